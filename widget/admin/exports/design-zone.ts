import { el, replaceChildren } from '../dom-builder.js';
import { moveStep } from '../flows/flow-draft.js';
import type { DraftField } from './export-draft.js';

/** What the design zone asks of the step around it. */
export interface DesignZoneHost {
  /** The columns changed (order or membership). */
  changed(message: string): void;
  edit(field: DraftField): void;
  /** Where focus goes when the zone becomes empty. */
  focusOutside(): void;
}

/** The design zone: the selected columns in file order. */
export interface DesignZone {
  readonly element: HTMLElement;
  render(): void;
  /** Puts focus on a column's control (after it was added). */
  focus(uid: number, control: 'up' | 'down' | 'edit' | 'remove'): void;
}

function columnName(field: DraftField): string {
  return field.column || field.key;
}

/**
 * The selected columns as an ordered list, first column first. Each column has buttons named
 * after it to move it up or down, edit it and remove it (so keyboard and screen-reader users
 * know which column they act on; focus stays on the moved column), and can be dragged by mouse.
 */
export function createDesignZone(fields: DraftField[], host: DesignZoneHost): DesignZone {
  const list = el('ol', { className: 'design-zone', attrs: { 'aria-label': 'Design zone' } });
  const empty = el('p', { className: 'empty', text: 'No columns yet: click (or press Enter on) a field in Available data to add it here.' });
  const buttons = new Map<number, Record<'up' | 'down' | 'edit' | 'remove', HTMLButtonElement>>();
  let dragged: DraftField | undefined;

  function reorder(from: number, to: number): void {
    const moved = moveStep(fields, from, to);
    if (moved === fields) return;
    fields.splice(0, fields.length, ...moved);
    zone.render();
  }

  function item(field: DraftField, index: number): HTMLLIElement {
    const name = columnName(field);
    const button = (text: string, label: string, onClick: () => void, className = 'button') =>
      el('button', { className, attrs: { type: 'button', 'aria-label': label }, text, on: { click: onClick } });
    const controls = {
      up: button('Up', `Move ${name} up`, () => {
        reorder(index, index - 1);
        zone.focus(field.uid, 'up');
        host.changed(`${name} moved to column ${index}.`);
      }),
      down: button('Down', `Move ${name} down`, () => {
        reorder(index, index + 1);
        zone.focus(field.uid, 'down');
        host.changed(`${name} moved to column ${index + 2}.`);
      }),
      edit: button('Edit', `Edit ${name}`, () => host.edit(field)),
      remove: button('Remove', `Remove ${name}`, () => {
        fields.splice(index, 1);
        zone.render();
        const next = fields[Math.min(index, fields.length - 1)];
        if (next) zone.focus(next.uid, 'remove');
        else host.focusOutside();
        host.changed(`${name} removed from the design zone.`);
      }, 'button danger'),
    };
    controls.up.disabled = index === 0;
    controls.down.disabled = index === fields.length - 1;
    buttons.set(field.uid, controls);
    const element = el('li', { className: 'zone-item', attrs: { draggable: 'true', 'aria-label': `Column ${index + 1}: ${name}` } }, [
      el('span', { className: 'drag-handle', attrs: { 'aria-hidden': 'true', title: 'Drag to reorder' }, text: '⠿' }),
      el('span', { className: 'zone-name' }, [el('span', { className: 'zone-column', text: `${index + 1}. ${name}` }), el('span', { className: 'muted', text: field.label })]),
      el('span', { className: 'toolbar' }, [controls.up, controls.down, controls.edit, controls.remove]),
    ]);
    element.addEventListener('dragstart', (event) => {
      dragged = field;
      event.dataTransfer?.setData('text/plain', name);
    });
    element.addEventListener('dragover', (event) => event.preventDefault());
    element.addEventListener('drop', (event) => {
      event.preventDefault();
      if (dragged && dragged !== field) {
        const from = fields.indexOf(dragged);
        reorder(from, fields.indexOf(field));
        host.changed(`${columnName(dragged)} moved to column ${fields.indexOf(dragged) + 1}.`);
      }
      dragged = undefined;
    });
    return element;
  }

  const zone: DesignZone = {
    element: el('div', {}, [list, empty]),
    render() {
      buttons.clear();
      replaceChildren(list, fields.map(item));
      empty.hidden = fields.length > 0;
    },
    focus(uid, control) {
      const set = buttons.get(uid);
      if (!set) return;
      const target = set[control].disabled ? (control === 'up' ? set.down : set.up) : set[control];
      (target.disabled ? set.edit : target).focus();
    },
  };
  zone.render();
  return zone;
}
