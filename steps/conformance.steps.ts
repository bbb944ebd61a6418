import { Then, When } from './cucumber.js';
import type { StageName } from '../src/session/session.js';
import { stageEvidence } from './evidence.js';
import type { PeerWorld } from './world.js';

/**
 * Steps of the conformance features: each When runs one stage of the peer's flow (once per run),
 * each Then reports the peer's verdict on one rule.
 */

const STAGES: ReadonlyArray<[string, StageName]> = [
  ['the peer installs the package', 'package'],
  ['the peer builds the package with its external builders', 'build'],
  ['the peer reads connection.json from the release', 'connection'],
  ['the peer dials the chaincode server', 'dial'],
  ['the chaincode registers', 'register'],
  ['the peer invokes the smoke transaction', 'transaction'],
];

for (const [text, stage] of STAGES) {
  When(text, async function (this: PeerWorld) {
    await this.session.stage(stage);
    if (this.firstTime(stage)) for (const a of await stageEvidence(this.session, stage)) this.attach(a.body, a.mediaType);
  });
}

Then('rule {string} holds', async function (this: PeerWorld, ruleId: string) {
  return this.report(await this.session.judge(ruleId));
});
