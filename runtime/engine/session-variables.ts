import type { Variables } from '../../core/module-contract.js';
import type { Scalar, SessionState } from '../../storage/session-repository.js';

/** Session variables over a session's state: personal ones kept apart (encrypted at rest). */
export function sessionVariables(state: SessionState): Variables {
  return {
    get: (name) => state.personalVariables[name] ?? state.variables[name],
    set(name: string, value: Scalar, options?: { personal?: boolean }) {
      if (options?.personal) {
        state.personalVariables[name] = value;
        delete state.variables[name];
      } else {
        state.variables[name] = value;
        delete state.personalVariables[name];
      }
    },
    all: () => ({ ...state.variables, ...state.personalVariables }),
  };
}
