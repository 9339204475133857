import { RemovalPolicy } from "aws-cdk-lib";
import { AttributeType, Billing, TableV2, type Attribute } from "aws-cdk-lib/aws-dynamodb";
import { Construct } from "constructs";
import { TABLES, TABLE_IDS, type KeyAttribute, type TableId, type TableNames } from "../lib/tables/definitions.js";

export interface LangGraphTablesProps {
  /** What happens to the tables (and their data) when the stack is deleted. Default: RETAIN. */
  removalPolicy?: RemovalPolicy;
  /** Point-in-time recovery. Default: on. */
  pointInTimeRecovery?: boolean;
}

const attribute = (key: KeyAttribute): Attribute => ({
  name: key.name,
  type: key.type === "S" ? AttributeType.STRING : key.type === "N" ? AttributeType.NUMBER : AttributeType.BINARY,
});

/** The project's DynamoDB tables, declared from lib/tables/definitions.ts (the same module lib/ uses). */
export class LangGraphTables extends Construct {
  readonly tables: Record<TableId, TableV2>;
  /** Each table's physical name (a token until deployment). */
  readonly tableNames: TableNames;

  constructor(scope: Construct, id: string, props: LangGraphTablesProps = {}) {
    super(scope, id);
    const tables = {} as Record<TableId, TableV2>;
    for (const tableId of TABLE_IDS) {
      const def = TABLES[tableId];
      tables[tableId] = new TableV2(this, tableId, {
        partitionKey: attribute(def.partitionKey),
        sortKey: def.sortKey && attribute(def.sortKey),
        billing: Billing.onDemand(),
        timeToLiveAttribute: def.ttlAttribute,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: props.pointInTimeRecovery ?? true },
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
        globalSecondaryIndexes: def.globalIndexes.map((index) => ({
          indexName: index.indexName,
          partitionKey: attribute(index.partitionKey),
          sortKey: index.sortKey && attribute(index.sortKey),
        })),
      });
    }
    this.tables = tables;
    this.tableNames = Object.fromEntries(TABLE_IDS.map((id) => [id, tables[id].tableName])) as TableNames;
  }
}
