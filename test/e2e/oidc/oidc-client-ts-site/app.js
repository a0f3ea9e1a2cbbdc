/* global oidc -- the UMD bundle of oidc-client-ts, loaded by the page before this script */
// A browser app as oidc-client-ts documents it: a UserManager told the authority, client id and redirect URI,
// sign-in by redirect, the callback handled on the same page, the profile (ID token and UserInfo claims) shown.
const settings = await (await fetch('/settings.json')).json()
const manager = new oidc.UserManager({
  ...settings,
  redirect_uri: `${location.origin}/`,
  response_type: 'code',
})
const profile = document.getElementById('profile')
if (new URLSearchParams(location.search).has('code')) {
  try {
    const user = await manager.signinRedirectCallback()
    profile.textContent = JSON.stringify(user.profile)
  } catch (error) {
    profile.textContent = JSON.stringify({ error: String(error) })
  }
}
document.getElementById('sign-in').addEventListener('click', () => manager.signinRedirect())
