// OAuth 2.0 Form Post Response Mode §2: the response form is submitted as soon as the page has loaded.
document.getElementById('form-post').submit()
