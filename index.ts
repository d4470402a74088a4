export { ApiAuthApiKey } from './credentials/ApiAuthApiKey.credentials';
export { ApiAuthBasic } from './credentials/ApiAuthBasic.credentials';
export { ApiAuthBearerToken } from './credentials/ApiAuthBearerToken.credentials';
export { ApiAuthOAuth2 } from './credentials/ApiAuthOAuth2.credentials';
export { ApiAuthOAuth2Connect } from './credentials/ApiAuthOAuth2Connect.credentials';
export { ApiAuthTokenRequest } from './credentials/ApiAuthTokenRequest.credentials';
export { ApiAuthHttpRequest } from './nodes/ApiAuthHttpRequest/ApiAuthHttpRequest.node';
