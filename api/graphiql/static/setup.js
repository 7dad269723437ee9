// GraphiQL for salesplan: the bearer token is entered once, kept in this browser's local
// storage, and sent with every request (Authorization header) and websocket (connection_init).
(function () {
  "use strict";
  const STORAGE_KEY = "salesplan.graphiql.token";
  const DEFAULT_QUERY = `# salesplan GraphQL API. Enter a token above once, then run (Ctrl-Enter).
# Subscriptions run over a websocket on the same URL.
query Viewer {
  viewer {
    roles
    user {
      login
      displayName
    }
  }
}
`;

  const input = document.getElementById("token");
  const state = document.getElementById("token-state");
  let token = window.localStorage.getItem(STORAGE_KEY) || "";

  function showState() {
    state.textContent = token ? "token in use" : "no token: only introspection works";
  }

  const httpUrl = window.location.href.split(/[?#]/)[0];
  const wsUrl = httpUrl.replace(/^http/, "ws");

  // Reads the token at each call, so a new one applies without reloading the page.
  function fetcher(params, options) {
    const headers = Object.assign({}, options && options.headers);
    if (token) headers.Authorization = "Bearer " + token;
    return GraphiQL.createFetcher({
      url: httpUrl,
      subscriptionUrl: wsUrl,
      headers: headers,
      wsConnectionParams: token ? { token: token } : {},
    })(params, options);
  }

  document.getElementById("token-bar").addEventListener("submit", function (event) {
    event.preventDefault();
    token = input.value.trim().replace(/^Bearer\s+/i, "");
    input.value = "";
    if (token) window.localStorage.setItem(STORAGE_KEY, token);
    else window.localStorage.removeItem(STORAGE_KEY);
    showState();
  });
  document.getElementById("token-forget").addEventListener("click", function () {
    token = "";
    window.localStorage.removeItem(STORAGE_KEY);
    showState();
  });
  showState();

  const explorer = GraphiQLPluginExplorer.explorerPlugin();
  const root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: DEFAULT_QUERY,
      plugins: [explorer],
      shouldPersistHeaders: false,
    }),
  );
})();
