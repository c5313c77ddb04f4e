import type { CapabilityFactory } from './capability-factory.js';
import { ParleyError } from '../../core/errors.js';
import { CONFIRMATION_DAYS, type ConsentCapability } from '../../core/capabilities/consent-capability.js';
import { queueConsentMail, type JobSender } from '../mail/consent-mail-job.js';
import { createConfirmation } from '../../storage/consent-repository.js';
import { getMailSettings } from '../../storage/mail-settings.js';
import type { StoreContext } from '../../storage/store-context.js';

/**
 * The job queue behind the store context. The runtime builds engines over the opened Storage,
 * whose transactions keep its `jobs`; a bare StoreContext has none and cannot queue mail.
 */
function jobsOf(ctx: StoreContext): JobSender {
  const jobs = (ctx as StoreContext & { readonly jobs?: Partial<JobSender> }).jobs;
  if (typeof jobs?.send !== 'function') throw new ParleyError('unavailable', 'The job queue is not available');
  return jobs as JobSender;
}

/** Builds the capability over storage/consent-repository and storage/mail-settings for one step scope. */
export const consentCapability: CapabilityFactory<ConsentCapability> = (scope): ConsentCapability => {
  const { ctx, workspace } = scope;
  const steps = scope.flow.definition.steps ?? [];
  const index = steps.findIndex((step) => step.id === scope.stepId);
  return Object.freeze({
    storageEnabled: workspace.storageEnabled,
    configPath: index >= 0 ? `/steps/${index}/config` : '/steps',
    mailConfigured: async () => (await getMailSettings(ctx, workspace.id)) !== undefined,
    async requestConfirmation(request: { readonly consentId: string; readonly subject: string; readonly text: string }) {
      const jobs = jobsOf(ctx);
      const expiresAt = new Date(ctx.clock.now().getTime() + CONFIRMATION_DAYS * 86_400_000);
      const id = await createConfirmation(ctx, workspace.id, {
        consentId: request.consentId,
        message: { subject: request.subject, text: request.text },
        expiresAt,
      });
      await queueConsentMail(jobs, { confirmationId: id });
    },
  });
};
/** `requestConfirmation` reads the consent row the step just stored. */
Object.assign(consentCapability, { reads: ['consents'] });
