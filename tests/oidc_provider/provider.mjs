// The test OpenID Connect provider (issue 23): the npm package oidc-provider on loopback, standing in for the
// municipality's IdP (Entra ID, AD FS). Started by tests/oidc_provider/__init__.py; never used in production.
//
// Configuration comes as JSON in OIDC_TEST_CONFIG: {"clients": [{client_id, client_secret, redirect_uris,
// backchannel_logout_uri}]}. It listens on a free loopback port and prints "listening <port>" when ready.
//
// Log-in is oidc-provider's own devInteractions page (a login and any password); consent is given by the
// grant loaded below, so a test or a browser fills one form. Test-only endpoints under /test/:
//   POST /test/forge {kind}            the next token answer carries a doctored ID token (see forge())
//   POST /test/deactivate {account}    the account is disabled and every client is sent a back-channel logout
//   POST /test/logout-token {account, variant}  a logout token as the provider would sign it, for replay tests
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair, decodeJwt, SignJWT } from 'jose';
import Provider from 'oidc-provider';

const config = JSON.parse(process.env.OIDC_TEST_CONFIG || '{}');

const ACCOUNTS = {
  sagsbehandler: { email: 'sso.sagsbehandler@kommune.example', name: 'Signe Sagsbehandler', groups: ['fs-sagsbehandlere', 'alle-ansatte'] },
  udvalg: { email: 'sso.udvalg@kommune.example', name: 'Ulla Udvalg', groups: ['fs-udvalg'] },
  admin: { email: 'sso.admin@kommune.example', name: 'Anders Administrator', groups: ['fs-administratorer'] },
  'uden-gruppe': { email: 'sso.uden@kommune.example', name: 'Ulrik Uden Gruppe', groups: ['alle-ansatte'] },
};
const disabled = new Set();

async function newKey(kid) {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' } };
}
const [signing, foreign] = await Promise.all([newKey('test-key'), newKey('test-key')]);

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: (config.clients || []).map((c) => ({
    client_id: c.client_id,
    client_secret: c.client_secret,
    redirect_uris: c.redirect_uris,
    post_logout_redirect_uris: c.post_logout_redirect_uris || [],
    backchannel_logout_uri: c.backchannel_logout_uri,
    backchannel_logout_session_required: false,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  })),
  jwks: { keys: [signing.jwk] },
  claims: { openid: ['sub'], email: ['email'], profile: ['name'], groups: ['groups'] },
  conformIdTokenClaims: false, // the ID token carries the groups: the client reads no userinfo
  features: {
    devInteractions: { enabled: true },
    backchannelLogout: { enabled: true },
  },
  pkce: { required: () => true },
  // oidc-provider refuses to post to special-use addresses (SSRF protection); our app is on loopback here.
  fetch: (url, { dispatcher, ...options }) => globalThis.fetch(url, options),
  async findAccount(ctx, sub) {
    const account = ACCOUNTS[sub];
    if (!account || disabled.has(sub)) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...account }) };
  },
  async loadExistingGrant(ctx) { // the municipality's own app: no consent screen
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile groups');
    await grant.save();
    return grant;
  },
  ttl: { Session: 3600, Interaction: 600, Grant: 3600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
});
provider.on('server_error', (ctx, err) => console.error('server_error', err));

let forgeNext = null;

// A doctored ID token for the refusal tests: signed by a key the provider never published, expired, for
// another audience, with another nonce or issuer. Everything else is the real token's.
async function forge(idToken, kind) {
  const claims = { ...decodeJwt(idToken) };
  let key = signing.privateKey;
  const now = Math.floor(Date.now() / 1000);
  if (kind === 'signature') key = foreign.privateKey;
  else if (kind === 'expired') Object.assign(claims, { iat: now - 1200, exp: now - 600 });
  else if (kind === 'audience') claims.aud = 'en-anden-klient';
  else if (kind === 'audience-azp') Object.assign(claims, { aud: ['en-anden-klient'], azp: claims.aud });
  else if (kind === 'nonce') claims.nonce = 'genbrugt-nonce';
  else if (kind === 'issuer') claims.iss = 'http://127.0.0.1:1';
  else throw new Error(`unknown forge kind ${kind}`);
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'test-key' }).sign(key);
}

provider.use(async (ctx, next) => {
  await next();
  if (ctx.path === '/token' && forgeNext && ctx.body && ctx.body.id_token) {
    const kind = forgeNext;
    forgeNext = null;
    ctx.body = { ...ctx.body, id_token: await forge(ctx.body.id_token, kind) };
  }
});

async function logoutToken(account, variant, clientId) {
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: issuer, aud: clientId, iat: now, exp: now + 120, jti: crypto.randomUUID(), sub: account,
    events: { 'http://schemas.openid.net/event/backchannel-logout': {} } };
  let key = signing.privateKey;
  if (variant === 'signature') key = foreign.privateKey;
  else if (variant === 'no-events') delete claims.events;
  else if (variant === 'nonce') claims.nonce = 'en-nonce';
  else if (variant === 'audience') claims.aud = 'en-anden-klient';
  else if (variant === 'expired') Object.assign(claims, { iat: now - 1200, exp: now - 600 });
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'test-key', typ: 'logout+jwt' }).sign(key);
}

async function readJson(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body ? JSON.parse(body) : {};
}

function answer(res, status, data) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(data));
}

const callback = provider.callback();
server.on('request', async (req, res) => {
  if (!req.url.startsWith('/test/')) return callback(req, res);
  try {
    const data = await readJson(req);
    if (req.url === '/test/forge') {
      forgeNext = data.kind;
      return answer(res, 200, { forge: forgeNext });
    }
    if (req.url === '/test/deactivate') {
      // As an IdP does when an employee leaves: no more log-ins, and every client is told at once.
      disabled.add(data.account);
      let posted = 0;
      for (const c of config.clients || []) {
        if (!c.backchannel_logout_uri) continue;
        const client = await provider.Client.find(c.client_id);
        await client.backchannelLogout(data.account, undefined);
        posted += 1;
      }
      return answer(res, 200, { posted });
    }
    if (req.url === '/test/activate') {
      disabled.delete(data.account);
      return answer(res, 200, {});
    }
    if (req.url === '/test/logout-token') {
      const clientId = data.client_id || config.clients[0].client_id;
      return answer(res, 200, { logout_token: await logoutToken(data.account, data.variant, clientId) });
    }
    return answer(res, 404, { error: 'not found' });
  } catch (err) {
    return answer(res, 500, { error: String(err && err.message) });
  }
});

// The test run holds our stdin: when it ends (even by a crash), so do we, leaving no provider behind.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
console.log(`listening ${port}`);
