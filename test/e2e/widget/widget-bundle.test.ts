import { describe, expect, it } from 'vitest';
import path from 'node:path';
import os from 'node:os';
import { buildWidgetBundle, findWidgetRoot } from '../../../runtime/http/widget-bundle.js';
import { WIDGET_CSS } from '../../../widget/widget-styles.js';

const root = path.resolve(import.meta.dirname, '../../..');

describe('widget bundle', () => {
  it('finds the widget sources from the source folder and from the compiled dist/widget folder', () => {
    expect(findWidgetRoot(path.join(root, 'widget'))).toBe(root);
    expect(findWidgetRoot(path.join(root, 'dist', 'widget'))).toBe(root);
    expect(findWidgetRoot(os.tmpdir())).toBeUndefined();
  });

  it('builds one minified IIFE with socket.io-client inside, once per process', async () => {
    const js = await buildWidgetBundle();
    expect(js.startsWith('"use strict";(()=>{')).toBe(true);
    expect(js).not.toMatch(/\bimport\s*[{*("']|\brequire\(/);
    expect(js).toContain('socket.io');
    // Minified code is a few lines; the stylesheet's template keeps its own lines (one rule each).
    expect(js.split('\n').length - WIDGET_CSS.split('\n').length).toBeLessThan(30);
    expect(await buildWidgetBundle()).toBe(js);
  });
});
