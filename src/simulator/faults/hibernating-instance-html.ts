// What a sleeping developer instance (or an SSO gateway) answers to an API call: a 200 HTML page instead of JSON
// (reference/servicenow-api.md §1.7, reported by integrators, [UNVERIFIED] markup). Clients must check the
// content type before parsing.

export const HTML_CONTENT_TYPE = "text/html;charset=UTF-8";

export const HIBERNATING_INSTANCE_HTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Instance Hibernating page</title>
</head>
<body>
<div class="hibernating">
<h1>Your instance is hibernating</h1>
<p>Developer instances hibernate when they are not in use. To wake your instance up, sign in to the
<a href="https://developer.servicenow.com">ServiceNow Developer Site</a> and select Wake Up Instance.</p>
</div>
</body>
</html>
`;
