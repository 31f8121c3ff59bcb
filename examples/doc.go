// Package examples holds runnable hookguard examples, each an Example
// function with checked output that `make test` compiles and runs:
//
//   - Example_receiver: the README's 30-second net/http quickstart, served
//     on loopback and hit with a delivery, a forgery and a replay.
//   - Example_sender: signing and sending a delivery, the provider's side.
//   - Example_rotation: rotating a secret without downtime, step by step:
//     Rotate, watch SecretID, Revoke.
//   - Example_customScheme: a provider that is not a preset, described with
//     hmac.SchemeConfig.
//
// Run one with: go test ./examples -run Example_rotation -v
package examples
