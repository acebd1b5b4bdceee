// Where the gateway is deployed. Must be an https:// origin that is listed under
// 开发管理 → 开发设置 → 服务器域名 → request合法域名 in the mini-program console.
module.exports = {
  apiBase: 'https://hotline.example.gov.cn',
  // How often to look for agents' replies while a conversation is with a person.
  pollIntervalMs: 3000,
  requestTimeoutMs: 15000,
};
