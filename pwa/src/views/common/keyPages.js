// What the shared key screens (KeyRequiredView, KeysView) need from their route: the area whose
// words they show ({words}.keyRequired.*, {words}.keys.*), its home and its keys screen.
const ENTERPRISE = Object.freeze({ words: 'enterprise', home: 'enterprise-declarations', keys: 'enterprise-keys' })

/** The route's meta.keyPages, or the enterprise portal's (the first area with key-only screens). */
export const keyPagesOf = (route) => ({ ...ENTERPRISE, ...(route?.meta?.keyPages ?? {}) })
