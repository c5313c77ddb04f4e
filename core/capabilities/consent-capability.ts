/** The double opt-in capability modules use (runtime/capabilities builds it over storage and mail). */

/** How long a double opt-in link stays valid. */
export const CONFIRMATION_DAYS = 7;

/** Double opt-in for one consent step, in the current transaction (the flow save, or the participant's turn). */
export interface ConsentCapability {
  /** Whether the workspace stores data at all (double opt-in cannot work without it). */
  readonly storageEnabled: boolean;
  /** JSON path of this step's config in the flow document, e.g. `/steps/2/config`. */
  readonly configPath: string;
  /** Whether the workspace has SMTP settings to send confirmation mails with. */
  mailConfigured(): Promise<boolean>;
  /**
   * Creates the confirmation of a consent row just stored and queues its mail (ids only). The
   * text keeps `{{link}}` where the link goes; it is sealed until sent, since it may be personal.
   */
  requestConfirmation(request: { readonly consentId: string; readonly subject: string; readonly text: string }): Promise<void>;
}

