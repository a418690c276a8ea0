// Swagger UI over the service's own openapi.yaml (served by the service; nothing fetched from elsewhere).
window.addEventListener('DOMContentLoaded', function () {
  var root = document.getElementById('swagger-ui');
  window.ui = SwaggerUIBundle({ url: root.getAttribute('data-spec'), dom_id: '#swagger-ui', deepLinking: true,
    validatorUrl: null });
});
