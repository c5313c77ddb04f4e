export { expandFileName, type FileNameValues } from './file-name-expander.js';
export {
  parseFileNamePattern,
  validateFileNamePattern,
  PLACEHOLDERS,
  type PatternPart,
  type Placeholder,
} from './file-name-pattern.js';
export { MAX_FILE_NAME_LENGTH, sanitizeFileNameValue } from './file-name-rules.js';
