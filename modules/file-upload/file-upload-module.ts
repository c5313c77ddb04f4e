import { defineModule } from '../../core/module-contract.js';
import { QUESTION, answerVariable } from '../../core/config-schema-parts.js';
import { interpolate } from '../../core/interpolate.js';
import { MAX_UPLOAD_BYTES, fileSizeLimitMessage } from '../../core/chat-protocol.js';
import { FILE_KIND_NAMES, FILE_KINDS, detectFileKind, fileNameOf, kindList, type FileKind } from './file-kinds.js';

export interface FileUploadConfig {
  readonly question: string;
  /** Variable that receives the file's name (personal: encrypted at rest, stored in Variables). */
  readonly variable: string;
  /** The types taken, read from the file's bytes (default JPEG, PNG and PDF). */
  readonly accept?: readonly FileKind[];
  /** Largest file, in megabytes (default 5, at most 10). */
  readonly maxSizeMb?: number;
  readonly required?: boolean;
  /** What the button that goes on without a file says (when not required; default "Skip"). */
  readonly skipLabel?: string;
}

const DEFAULT_ACCEPT: readonly FileKind[] = ['image/jpeg', 'image/png', 'application/pdf'];
const DEFAULT_MAX_MB = 5;
const MEGABYTE = 1024 * 1024;

const invalid = (message: string) => ({ type: 'invalid', error: { code: 'validation_failed', message, path: '/value' } }) as const;

/**
 * Asks for a file (a receipt, a photo). The widget sends it over HTTP (chat-protocol's
 * `fileUploadPath`); its type is read from its bytes. The file goes into the Files table, sealed,
 * and its name into a variable and the Variables table, so exports and later messages can name it.
 */
export const fileUploadModule = defineModule<FileUploadConfig>({
  id: 'file-upload',
  title: 'File upload',
  description: 'Asks for a file (a receipt, a photo); the file is kept in Files (encrypted) and its name in a variable.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['question', 'variable'],
    properties: {
      question: QUESTION,
      variable: answerVariable("the file's name (encrypted, stored in Variables and offered to exports)."),
      accept: {
        title: 'File types', description: "Read from the file's content, not its name. Default: JPEG, PNG and PDF.",
        type: 'array', minItems: 1, maxItems: FILE_KINDS.length, uniqueItems: true, default: DEFAULT_ACCEPT,
        items: { type: 'string', oneOf: FILE_KINDS.map((kind) => ({ const: kind, title: FILE_KIND_NAMES[kind] })) },
      },
      maxSizeMb: { title: 'Largest file (MB)', description: `At most ${MAX_UPLOAD_BYTES / MEGABYTE}.`, default: DEFAULT_MAX_MB, type: 'integer', minimum: 1, maximum: MAX_UPLOAD_BYTES / MEGABYTE },
      required: { title: 'File required', description: 'When off, the participant may go on without a file.', default: true, type: 'boolean' },
      skipLabel: { title: 'Skip button', description: 'What the button that goes on without a file says.', type: 'string', minLength: 1, maxLength: 200 },
    },
  },
  tables: { files: { retentionDays: 30, holds: 'Files' }, variables: { retentionDays: 60, holds: 'File names' } },
  waits: () => true,
  // Asking for a file that goes nowhere would mislead the participant.
  requiresStorage: true,
  fields: (config) => [{ key: config.variable, label: `File: ${config.question.slice(0, 70)}`, type: 'text', source: { table: 'variables', key: config.variable, personal: true } }],
  async handleStep(input, ctx) {
    const { config } = ctx;
    const accept = config.accept ?? DEFAULT_ACCEPT;
    const maxBytes = (config.maxSizeMb ?? DEFAULT_MAX_MB) * MEGABYTE;
    const required = config.required ?? true;
    if (input.kind === 'enter') {
      return {
        type: 'await',
        messages: [{ kind: 'text', text: interpolate(config.question, ctx.variables.all()) }],
        input: { kind: 'file', label: config.question.slice(0, 200), accept, maxBytes, required, ...(!required && { skipLabel: config.skipLabel ?? 'Skip' }) },
      };
    }
    const file = input.value;
    if (file === '' && !required) return { type: 'next', messages: [] };
    if (typeof file !== 'object') return invalid('Please send a file');
    if (file.content.byteLength === 0) return invalid('This file is empty');
    if (file.content.byteLength > maxBytes) return invalid(fileSizeLimitMessage(maxBytes));
    const kind = await detectFileKind(file.content);
    if (!kind || !accept.includes(kind)) return invalid(`Please send a ${kindList(accept)} file`);
    const name = fileNameOf(file.name);
    ctx.variables.set(config.variable, name, { personal: true });
    await ctx.store.write('variables', { data: { variable: config.variable }, personal: { [config.variable]: name } });
    await ctx.store.write('files', { data: { variable: config.variable, type: kind, bytes: file.content.byteLength }, personal: { name }, attachment: file.content });
    return { type: 'next', messages: [] };
  },
});
