// Starts GraphiQL against /graphql on this origin (subscriptions over a
// WebSocket at the same address). The Authorization header typed in the
// headers editor is not kept across visits: like the explorer, which
// keeps a token for the session only, a shared computer keeps no token.
(function () {
  'use strict';
  var ws = (location.protocol === 'https:' ? 'wss:' : 'ws:') + '//' + location.host + '/graphql';
  var fetcher = GraphiQL.createFetcher({ url: location.origin + '/graphql', subscriptionUrl: ws });
  var defaultQuery = [
    '# maillage: the GraphQL API of the commons.',
    '# Run with Ctrl-Enter; the book icon shows the schema.',
    '# A token goes in Headers:',
    '#   {"Authorization": "Bearer mlg_…"}',
    '',
    '{',
    '  __typename',
    '}',
    '',
  ].join('\n');
  // Accessibility (axe-core, e2e/a11y.spec.mjs), for what GraphiQL's own
  // markup lacks: CodeMirror's hidden textareas get a name, and the tab of
  // the operation, which holds its own buttons (a role="tab" must not),
  // hands its role to its title button. Re-applied whenever GraphiQL
  // redraws, and only where missing.
  var names = [
    ['.graphiql-query-editor textarea', 'Query editor'],
    ['.graphiql-editor-tool .graphiql-editor:nth-child(1) textarea', 'Variables editor'],
    ['.graphiql-editor-tool .graphiql-editor:nth-child(2) textarea', 'Headers editor'],
    ['.graphiql-response textarea', 'Response'],
  ];
  function label() {
    names.forEach(function (n) {
      document.querySelectorAll(n[0]).forEach(function (el) {
        if (!el.hasAttribute('aria-label')) el.setAttribute('aria-label', n[1]);
      });
    });
    document.querySelectorAll('li.graphiql-tab[role="tab"]').forEach(function (li) {
      var title = li.querySelector('.graphiql-tab-button');
      if (!title) return;
      title.setAttribute('role', 'tab');
      title.setAttribute('aria-selected', li.getAttribute('aria-selected') || 'false');
      if (li.id) {
        title.id = li.id;
        li.removeAttribute('id');
      }
      li.setAttribute('role', 'presentation');
      li.removeAttribute('aria-selected');
    });
  }
  new MutationObserver(label).observe(document.getElementById('graphiql'), { childList: true, subtree: true, attributes: true, attributeFilter: ['aria-selected'] });

  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
      inputValueDeprecation: true,
    }),
  );
})();
