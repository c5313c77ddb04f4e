/** The networks a share step offers, in the order an owner may list them. */
export const SHARE_NETWORKS = ['facebook', 'x', 'linkedin', 'whatsapp'] as const;
export type ShareNetwork = (typeof SHARE_NETWORKS)[number];

/** What each network's button is called, and what the export shows for it. */
export const SHARE_NETWORK_NAMES: Readonly<Record<ShareNetwork, string>> = {
  facebook: 'Facebook',
  x: 'X',
  linkedin: 'LinkedIn',
  whatsapp: 'WhatsApp',
};

/**
 * The address of each network's own share page for `page` (and, where the network takes one, a
 * suggested text): opened in a new tab, where the participant decides what to post. Built with
 * `URL` so every value is encoded as a query parameter.
 */
export function shareUrl(network: ShareNetwork, page: string, message?: string): string {
  const withQuery = (base: string, query: Record<string, string | undefined>) => {
    const url = new URL(base);
    for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, value);
    return url.href;
  };
  switch (network) {
    case 'facebook':
      return withQuery('https://www.facebook.com/sharer/sharer.php', { u: page });
    case 'x':
      return withQuery('https://x.com/intent/post', { url: page, text: message });
    case 'linkedin':
      return withQuery('https://www.linkedin.com/sharing/share-offsite/', { url: page });
    case 'whatsapp':
      return withQuery('https://wa.me/', { text: message ? `${message} ${page}` : page });
  }
}
