import { SIGN_IN_CHANNEL } from './oauth-browser.js'

// In the popup: the authorization response is in the query (code) or, for the legacy implicit flow, the fragment.
const response = location.search.length > 1 ? location.search.slice(1) : location.hash.slice(1)
// Out of the address bar and the history at once: a code or token must not linger there.
history.replaceState(null, '', location.pathname)
const channel = new BroadcastChannel(SIGN_IN_CHANNEL)
channel.postMessage(response)
channel.close()
window.close()
