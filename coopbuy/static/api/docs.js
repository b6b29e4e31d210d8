/* Starts Swagger UI for coopbuy's API from the page's data attributes; no inline script, no CDN. */
(function () {
  "use strict";
  var page = document.getElementById("api-docs");
  var csrf = page.dataset.csrfToken;
  SwaggerUIBundle({
    url: page.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    layout: "BaseLayout",
    presets: [SwaggerUIBundle.presets.apis],
    requestInterceptor: function (request) {
      if (csrf) {
        request.headers["X-CSRFToken"] = csrf;
      }
      return request;
    },
  });
})();
