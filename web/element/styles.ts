// The shadow root's stylesheet. Theming goes through CSS custom properties
// (inherited through the shadow boundary) and ::part() selectors.
export const STYLES = `
:host { display: inline-block; font: var(--feedback-bar-font, inherit); color: var(--feedback-bar-color, inherit); }
:host([hidden]) { display: none; }
[part~="bar"] { display: flex; flex-wrap: wrap; align-items: center; gap: var(--feedback-bar-gap, 0.5rem); }
[part~="thumbs"], [part~="stars"] { display: inline-flex; gap: var(--feedback-bar-button-gap, 0.25rem); }
button {
  font: inherit; color: inherit; cursor: pointer; min-width: 2rem; min-height: 2rem;
  border: 1px solid var(--feedback-bar-border, currentColor); border-radius: var(--feedback-bar-radius, 0.375rem);
  background: var(--feedback-bar-background, transparent); padding: 0.125rem 0.5rem;
}
button[aria-pressed="true"] { background: var(--feedback-bar-accent, #2563eb); color: var(--feedback-bar-accent-text, #fff); border-color: var(--feedback-bar-accent, #2563eb); }
button:focus-visible, textarea:focus-visible { outline: 2px solid var(--feedback-bar-focus, #2563eb); outline-offset: 2px; }
button:disabled { opacity: 0.5; cursor: default; }
form { display: inline-flex; gap: var(--feedback-bar-button-gap, 0.25rem); align-items: flex-start; }
textarea { font: inherit; border-radius: var(--feedback-bar-radius, 0.375rem); min-height: 2rem; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
