// Mocha root hooks (loaded through .mocharc.json): tear the shared Temporal environments down once.
import { teardownEnvs } from './temporal-envs';

export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    await teardownEnvs();
  },
};
