import type { record } from '@rrweb/record';
import { maskText, scrubPII } from './pii.ts';

type MaskInputOptions = NonNullable<NonNullable<Parameters<typeof record>[0]>['maskInputOptions']>;

/**
 * Input masking, decided in the browser before anything is sent. rrweb asks `maskInputFn` for every value of
 * every input type listed in `maskInputOptions`; we list them all and decide ourselves, so that sensitive fields
 * stay masked even when the store turned `maskAllInputs` off.
 */

/** Every masked value looks the same, so a replay does not reveal how long a password or card number was. */
export const MASKED_VALUE = '********';

/**
 * All input types rrweb knows, plus `hidden` and `file`, which rrweb would otherwise serialize as they are:
 * hidden inputs carry tokens and ids, file inputs the user's file name.
 */
const ALL_INPUT_TYPES = {
  color: true, date: true, 'datetime-local': true, email: true, month: true, number: true, range: true,
  search: true, tel: true, text: true, time: true, url: true, week: true, textarea: true, select: true,
  password: true, hidden: true, file: true,
} as MaskInputOptions;

/** Payment fields by name or id: card…, cvc/cvv/csc, and `cc` as a word or prefix (cc-number, ccnum; not "account"). */
const PAYMENT_NAME = /card|cvc|cvv|csc|(^|[^a-z])cc/i;
/** Autocomplete tokens that name secrets: every cc-* payment field, passwords and one-time codes. */
const SENSITIVE_AUTOCOMPLETE = /(^|\s)(cc-|current-password|new-password|one-time-code)/i;

export interface PrivacyConfig {
  /** Mask every input value; when false only sensitive fields are masked. */
  maskAllInputs: boolean;
  /** Elements whose text and input values are masked. */
  maskTextSelector: string;
  /** Elements not recorded at all. */
  blockSelector: string;
  /** Mask every text node, not only those inside maskTextSelector. */
  maskAllText: boolean;
  /** Mask emails, card and phone numbers in any text. */
  maskTextPII: boolean;
  /** Block img, video, audio, picture, svg image and canvas. */
  blockAllMedia: boolean;
}

export interface Privacy {
  /** The options to spread into rrweb's `record()`. */
  recordOptions: {
    maskInputOptions: MaskInputOptions;
    maskInputFn: (text: string, element: HTMLElement) => string;
    maskTextFn: (text: string, element: HTMLElement | null) => string;
    maskTextSelector: string;
    blockSelector: string;
  };
  /** Masks or scrubs text that is not a text node (titles, labels, attributes), as text nodes are. */
  maskFreeText(text: string): string;
  /** True for password inputs, including those a "show password" toggle turned into type=text. */
  isPassword(element: Element): boolean;
  /** True for fields whose value must never travel, whatever `maskAllInputs` says. */
  isSensitiveField(element: Element): boolean;
  /** True when the element lies inside a blocked or masked region, so enrichment must not describe it. */
  isHidden(element: Element): boolean;
  /** Matches the elements isHidden is about (rrweb's own rr-block and rr-mask classes included); '*' under maskAllText. */
  hiddenSelector: string;
  /** Starts remembering inputs that leave type=password (a "show password" toggle); returns the stop function. */
  watchPasswordToggles(root: Document): () => void;
}

/** Media that blockAllMedia blocks: whatever shows pictures or sound of its own. */
const MEDIA_SELECTOR = 'img,video,audio,picture,svg image,canvas';

export function createPrivacy(config: PrivacyConfig): Privacy {
  const { maskAllText, maskTextPII } = config;
  const blockSelector = config.blockAllMedia ? `${config.blockSelector},${MEDIA_SELECTOR}` : config.blockSelector;
  const maskFreeText = (text: string) => (maskAllText ? maskText(text) : maskTextPII ? scrubPII(text) : text);
  // rrweb blocks and masks its own classes whatever selectors it is given.
  const hiddenSelector = maskAllText ? '*' : `${blockSelector},${config.maskTextSelector},.rr-block,.rr-mask`;
  // An input that was ever a password stays one for us, whatever its type says now.
  const everPassword = new WeakSet<Element>();

  function isPassword(element: Element): boolean {
    if (everPassword.has(element)) return true;
    // rrweb marks inputs that left type=password with this attribute.
    const password =
      element.hasAttribute('data-rr-is-password') ||
      (element instanceof HTMLInputElement && element.type === 'password');
    if (password) everPassword.add(element);
    return password;
  }

  function isSensitiveField(element: Element): boolean {
    if (isPassword(element)) return true;
    // Hidden inputs carry tokens and ids the visitor never sees; a file input's value is their file's name.
    if (element instanceof HTMLInputElement && (element.type === 'hidden' || element.type === 'file')) return true;
    const autocomplete = element.getAttribute('autocomplete') || '';
    if (SENSITIVE_AUTOCOMPLETE.test(autocomplete)) return true;
    const name = `${element.getAttribute('name') || ''} ${element.id}`;
    if (PAYMENT_NAME.test(name)) return true;
    return element.closest(config.maskTextSelector) !== null;
  }

  function maskInputFn(text: string, element: HTMLElement): string {
    // An empty field stays visibly empty: that is what form analytics needs, and it reveals nothing typed.
    if (text === '') return '';
    if (config.maskAllInputs) return MASKED_VALUE;
    try {
      return isSensitiveField(element) ? MASKED_VALUE : text;
    } catch {
      return MASKED_VALUE;
    }
  }

  function watchPasswordToggles(root: Document): () => void {
    if (typeof MutationObserver !== 'function') return () => {};
    // Created before rrweb's observer, so its callback runs first; input events come after both anyway.
    const observer = new MutationObserver((mutations) => {
      for (const mutation of mutations) {
        if ((mutation.oldValue || '').toLowerCase() === 'password') everPassword.add(mutation.target as Element);
      }
    });
    observer.observe(root, { subtree: true, attributes: true, attributeFilter: ['type'], attributeOldValue: true });
    return () => observer.disconnect();
  }

  return {
    recordOptions: {
      maskInputOptions: ALL_INPUT_TYPES,
      maskInputFn,
      // rrweb only calls maskTextFn for text inside maskTextSelector; '*' sends every text node through it.
      maskTextFn: (text, element) => (element?.closest(config.maskTextSelector) ? maskText(text) : maskFreeText(text)),
      maskTextSelector: maskAllText || maskTextPII ? '*' : config.maskTextSelector,
      blockSelector,
    },
    maskFreeText,
    isPassword,
    isSensitiveField,
    isHidden: (element) => element.closest(hiddenSelector) !== null,
    hiddenSelector,
    watchPasswordToggles,
  };
}
