// Starts Swagger UI on /docs (kept out of the page so the page needs no inline script).
// The CSRF header is added to cookie-authenticated writes when the page has logged in
// through POST /v1/auth/login ("Try it out"): the token comes back in that response.
(function () {
  "use strict";
  var csrf = null;
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: false,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    requestInterceptor: function (req) {
      if (csrf && req.method && req.method.toUpperCase() !== "GET") {
        req.headers["X-CSRF-Token"] = csrf;
      }
      return req;
    },
    responseInterceptor: function (res) {
      if (res && res.url && res.url.indexOf("/v1/auth/login") !== -1 && res.body) {
        csrf = res.body.csrf_token || csrf;
      }
      return res;
    },
  });
})();
