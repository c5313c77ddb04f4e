/**
 * One output column as the serializers see it: its name (header, XML element, JSON key) and,
 * for fixed-width text, its size and padding.
 */
export interface ExportColumn {
  readonly name: string;
  readonly minSize?: number;
  readonly maxSize?: number;
  /** Character used to pad a cell up to its width (default a space). */
  readonly padChar?: ' ' | '0';
  /** Side the padding goes on (default `right`, i.e. values are left-aligned). */
  readonly padSide?: 'left' | 'right';
}
