import type { ModelOptions, CostProfile } from '../../cost-models';
import type { Constraints, Objective } from '../../strategies/types';
import type { LayerGraph } from '../graph/types';
import type { TaskOutcome } from '../search/task';

/** How a plug-in's thread rebuilds the cost model of a problem (sent once per thread and key). */
export interface CostRecipe {
  readonly graph: LayerGraph;
  readonly profile: CostProfile;
  readonly devices?: readonly CostProfile[];
  readonly opts: ModelOptions;
}

export type PluginRequest =
  | { readonly id: number; readonly _tag: 'Decode'; readonly options: unknown }
  | { readonly id: number; readonly _tag: 'Tasks'; readonly options: unknown }
  | {
    readonly id: number; readonly _tag: 'Search'; readonly options: unknown;
    readonly costKey: string; readonly recipe?: CostRecipe; readonly tpus: number; readonly objective: Objective; readonly constraints: Constraints;
    readonly seed: string | number; readonly index: number; readonly count: number; readonly budgetMs: number;
  };

export type PluginReply =
  | { readonly id: number; readonly _tag: 'Ready' }
  | { readonly id: number; readonly _tag: 'Loaded'; readonly name: string; readonly description: string }
  | { readonly id: number; readonly _tag: 'Ok' }
  | { readonly id: number; readonly _tag: 'Rejected'; readonly problems: readonly string[] }
  | { readonly id: number; readonly _tag: 'Count'; readonly count: number }
  | { readonly id: number; readonly _tag: 'Outcome'; readonly outcome: TaskOutcome }
  | { readonly id: number; readonly _tag: 'Failed'; readonly why: string }
  | { readonly id: number; readonly _tag: 'Dead'; readonly why: string };
