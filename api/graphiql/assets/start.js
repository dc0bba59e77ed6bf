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
