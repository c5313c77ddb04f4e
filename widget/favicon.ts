/**
 * Parley's icon: a white speech bubble on the console's accent colour, served at `/favicon.svg`
 * (and `/favicon.ico`, which browsers ask for on pages that link none, such as the consent
 * pages under their strict policy) by runtime/http/favicon-route.ts.
 */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#4338ca"/><path d="M9 9h14a3 3 0 0 1 3 3v7a3 3 0 0 1-3 3h-8l-5 4v-4H9a3 3 0 0 1-3-3v-7a3 3 0 0 1 3-3z" fill="#fff"/></svg>`;

/** The `<link>` the console and the demo page put in their heads. */
export const FAVICON_LINK = '<link rel="icon" href="/favicon.svg" type="image/svg+xml">';
