import type {
  Page,
  StateMachineAliasRecord,
  StateMachineVersionRecord,
  VersionStore,
} from '../../shared/engine/ports.ts';
import { pageOf } from './memory-ports.ts';

/** The version store in memory (the unit tests' VersionStore); page tokens are `<kind>:<offset>`. */
export class MemoryVersionStore implements VersionStore {
  readonly #versions = new Map<string, Map<number, StateMachineVersionRecord>>();
  readonly #aliases = new Map<string, Map<string, StateMachineAliasRecord>>();
  readonly #last = new Map<string, number>();

  async newestVersion(
    stateMachineArn: string,
  ): Promise<{ newest: StateMachineVersionRecord | undefined; lastNumber: number }> {
    const newest = (await this.listVersions(stateMachineArn, { limit: 1 })).items[0];
    return { newest, lastNumber: this.#last.get(stateMachineArn) ?? 0 };
  }

  async createVersion(version: StateMachineVersionRecord): Promise<boolean> {
    const versions = this.#versionsOf(version.stateMachineArn);
    if (versions.has(version.version)) return false;
    versions.set(version.version, structuredClone(version));
    this.#last.set(
      version.stateMachineArn,
      Math.max(version.version, this.#last.get(version.stateMachineArn) ?? 0),
    );
    return true;
  }

  async getVersion(stateMachineArn: string, version: number): Promise<StateMachineVersionRecord | undefined> {
    const found = this.#versions.get(stateMachineArn)?.get(version);
    return found && structuredClone(found);
  }

  async deleteVersion(stateMachineArn: string, version: number): Promise<void> {
    this.#versions.get(stateMachineArn)?.delete(version);
  }

  async listVersions(
    stateMachineArn: string,
    query: { limit: number; nextToken?: string },
  ): Promise<Page<StateMachineVersionRecord>> {
    const all = [...this.#versionsOf(stateMachineArn).values()].sort((a, b) => b.version - a.version);
    return pageOf(all, query);
  }

  async countVersions(stateMachineArn: string): Promise<number> {
    return this.#versionsOf(stateMachineArn).size;
  }

  async createAlias(alias: StateMachineAliasRecord): Promise<boolean> {
    const aliases = this.#aliasesOf(alias.stateMachineArn);
    if (aliases.has(alias.name)) return false;
    aliases.set(alias.name, structuredClone(alias));
    return true;
  }

  async getAlias(stateMachineArn: string, name: string): Promise<StateMachineAliasRecord | undefined> {
    const found = this.#aliases.get(stateMachineArn)?.get(name);
    return found && structuredClone(found);
  }

  async updateAlias(alias: StateMachineAliasRecord): Promise<boolean> {
    const aliases = this.#aliasesOf(alias.stateMachineArn);
    if (!aliases.has(alias.name)) return false;
    aliases.set(alias.name, structuredClone(alias));
    return true;
  }

  async deleteAlias(stateMachineArn: string, name: string): Promise<void> {
    this.#aliases.get(stateMachineArn)?.delete(name);
  }

  async listAliases(
    stateMachineArn: string,
    query: { limit: number; nextToken?: string },
  ): Promise<Page<StateMachineAliasRecord>> {
    const all = [...this.#aliasesOf(stateMachineArn).values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    return pageOf(all, query);
  }

  async countAliases(stateMachineArn: string): Promise<number> {
    return this.#aliasesOf(stateMachineArn).size;
  }

  async deleteAll(stateMachineArn: string): Promise<void> {
    this.#versions.delete(stateMachineArn);
    this.#aliases.delete(stateMachineArn);
    this.#last.delete(stateMachineArn);
  }

  #versionsOf(stateMachineArn: string): Map<number, StateMachineVersionRecord> {
    const versions = this.#versions.get(stateMachineArn) ?? new Map<number, StateMachineVersionRecord>();
    this.#versions.set(stateMachineArn, versions);
    return versions;
  }

  #aliasesOf(stateMachineArn: string): Map<string, StateMachineAliasRecord> {
    const aliases = this.#aliases.get(stateMachineArn) ?? new Map<string, StateMachineAliasRecord>();
    this.#aliases.set(stateMachineArn, aliases);
    return aliases;
  }
}
