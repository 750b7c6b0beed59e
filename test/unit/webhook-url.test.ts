// Which channel webhook URLs a session accepts (client helper) and which the workflow refuses itself.
import assert from 'node:assert/strict';
import { webhookUrlProblem, webhookUrlShapeProblem } from '../../src/shared/webhook-url';

describe('webhook URL rules', () => {
  it('https anywhere; plain http only to loopback or a listed host', () => {
    assert.equal(webhookUrlProblem('https://channel.example/hooks/chat?x=1'), null);
    assert.equal(webhookUrlProblem('http://127.0.0.1:8080/hooks'), null);
    assert.equal(webhookUrlProblem('http://localhost/hooks'), null);
    assert.equal(webhookUrlProblem('http://[::1]:9000/'), null);
    assert.match(webhookUrlProblem('http://channel.example/hooks') ?? '', /must be https/);
    assert.equal(webhookUrlProblem('http://bot.internal:8080/hooks', ['bot.internal']), null);
  });

  it('refuses what can never take a delivery, or would leak into history', () => {
    for (const bad of [
      'file:///etc/passwd',
      'ftp://channel.example/x',
      'not a url',
      'https://',
      'https://user:secret@channel.example/hooks',
      'https://channel.example:70000/hooks',
      `https://channel.example/${'x'.repeat(2_100)}`,
      'https://channel example/hooks',
    ]) {
      assert.notEqual(webhookUrlShapeProblem(bad), null, bad);
    }
  });
});
