/**
 * The value types an export field can have. Filters declare which types they accept, so a
 * definition that puts a date filter on a boolean field is refused when saved.
 */
export const FIELD_TYPES = ['text', 'number', 'boolean', 'date', 'datetime'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** A raw value read from a store row, before filters. */
export type RawValue = string | number | boolean | Date | null | undefined;
