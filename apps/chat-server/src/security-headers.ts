import type { RequestHandler } from 'express';
import helmet from 'helmet';

type Directives = Record<string, string[]>;

/** JSON, errors, avatars: nothing here is a page, so a response may load and be framed by nothing. */
const API_POLICY: Directives = { 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] };

const PAGE_POLICY: Directives = {
  'default-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/** Swagger UI: its own bundles; it sets inline styles. */
const DOCS_POLICY: Directives = { ...PAGE_POLICY, 'style-src': ["'self'", "'unsafe-inline'"] };

/**
 * AdminJS: its page boots from an inline script, its design-system bundle evaluates code, its
 * components use inline styles, and it loads the Roboto font from Google Fonts.
 */
const ADMIN_POLICY: Directives = {
  ...PAGE_POLICY,
  'img-src': ["'self'", 'data:', 'blob:'],
  'script-src': ["'self'", "'unsafe-inline'", "'unsafe-eval'"],
  'style-src': ["'self'", "'unsafe-inline'", 'https://fonts.googleapis.com'],
  'font-src': ["'self'", 'https://fonts.gstatic.com'],
};

/** A year, the usual preload-list minimum. */
const HSTS_MAX_AGE_SECONDS = 31_536_000;

/**
 * helmet's headers on every response, with a Content-Security-Policy per kind of response. The web
 * client's page sets its own stricter policy when it is sent. HSTS only in production: a
 * development server on http://localhost must not pin the browser to https.
 */
export function securityHeaders(options: { isProduction: boolean }): RequestHandler {
  const withPolicy = (directives: Directives) =>
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives },
      strictTransportSecurity: options.isProduction
        ? { maxAge: HSTS_MAX_AGE_SECONDS, includeSubDomains: true }
        : false,
      // Avatars are shown by clients on other origins (the contract's React client).
      crossOriginResourcePolicy: { policy: 'cross-origin' },
    });
  const api = withPolicy(API_POLICY);
  const docs = withPolicy(DOCS_POLICY);
  const admin = withPolicy(ADMIN_POLICY);
  return (request, response, next) => {
    const section = request.path.split('/')[1];
    const handler = section === 'admin' ? admin : section === 'docs' ? docs : api;
    handler(request, response, next);
  };
}
