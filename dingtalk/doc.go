// Package dingtalk will speak DingTalk's protocols for erpd: the OpenAPI
// client (both hosts, token cache, rate limits), the stream connection
// through github.com/open-dingtalk/dingtalk-stream-sdk-go, and a sandbox
// that speaks the same wire protocol for development and tests. It
// implements ports declared in domain (approval gateway, messenger,
// directory) and never imports app or store.
//
// Nothing here yet: the foundation issue leaves it empty on purpose, and the
// DingTalk issue fills it.
package dingtalk
