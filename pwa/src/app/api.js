// The app's one API client, wired to the session's tokens and the chosen language.
import { createApiClient } from '../api/client.js'
import { currentLocale } from '../i18n/index.js'
import { tokenStore, onAuthLost } from './tokens.js'

export const api = createApiClient({ tokens: tokenStore, getLocale: currentLocale, onAuthLost })
