export {
  CONDITION_OPERATORS,
  OPERATOR_RULES,
  isConditionOperator,
  type Condition,
  type ConditionOperator,
  type ExportRow,
  type OperatorRule,
  type RowPredicate,
} from './condition.js';
export { compileConditions, type ConditionContext } from './compile-conditions.js';
export { CONDITION_LIMIT, LIST_LIMIT, validateConditions } from './condition-validation.js';
