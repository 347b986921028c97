// One eta input of the parameter form, built from DOM nodes: projection names and rule names come from a
// spec the user loaded (possibly someone else's file), so they only ever become text nodes, never HTML.

/** The part of Document the builder needs (a fake in unit tests). */
export interface ElementFactory {
  createElement(tag: string): HTMLElement;
}

/** <label class="field"><span>η post←pre</span><input id="f-eta-i"><small>rule: ...</small><div class="err"></div></label> */
export function etaField(doc: ElementFactory, i: number, post: string, pre: string, rule: string): HTMLElement {
  const label = doc.createElement('label');
  label.className = 'field';
  const name = doc.createElement('span');
  name.textContent = `η ${post}←${pre}`;
  const input = doc.createElement('input');
  input.id = `f-eta-${i}`;
  input.setAttribute('type', 'text');
  input.setAttribute('inputmode', 'decimal');
  const note = doc.createElement('small');
  note.textContent = `${rule}: learning rate per spike`;
  const err = doc.createElement('div');
  err.className = 'err';
  err.id = `err-eta-${i}`;
  err.setAttribute('role', 'alert');
  label.append(name, input, note, err);
  return label;
}
