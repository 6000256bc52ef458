import { commands } from '../../../src/cli/commands';

describe('cli/commands', () => {
  it('should load for every listed command a module whose command has that name and a help text', () => {
    for (const entry of commands) {
      const command = entry.load();
      expect([entry.name, command.name]).toEqual([entry.name, entry.name]);
      expect(command.help).toContain(`tpuseg ${entry.name}`);
      expect(entry.summary.length).toBeGreaterThan(10);
    }
  });
});
