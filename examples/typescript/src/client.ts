// A small typed client of the salesplan API: sign in, read approval tasks, approve a plan with
// its version, page through orders and their shipments, and follow order changes live,
// resuming after the last cursor seen. Every type comes from ./generated (npm run codegen).

import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import { createClient, type Client } from "graphql-ws";

import {
  ApprovalTasksDocument,
  ApprovePlanDocument,
  OrderChangesDocument,
  OrderDeliveriesDocument,
  SignInDocument,
  type ApprovalTasksQuery,
  type OrderChangesSubscription,
  type OrderDeliveriesQuery,
} from "./generated/graphql.js";

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export class SalesplanClient {
  private accessToken: string | null = null;

  constructor(private readonly url: string) {}

  /** One operation over HTTP; top-level errors (not refusals, which are data) throw. */
  async request<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables: TVariables,
    idempotencyKey?: string,
  ): Promise<TResult> {
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    if (this.accessToken !== null) headers["Authorization"] = `Bearer ${this.accessToken}`;
    if (idempotencyKey !== undefined) headers["Idempotency-Key"] = idempotencyKey;
    const response = await fetch(this.url, {
      method: "POST",
      headers,
      body: JSON.stringify({ query: print(document), variables }),
    });
    const body = (await response.json()) as GraphQLResponse<TResult>;
    const first = body.errors?.[0];
    if (first !== undefined) throw new ApiError(first.message, first.extensions?.code);
    if (body.data == null) throw new ApiError("no data", undefined);
    return body.data;
  }

  async signIn(login: string, password: string): Promise<string> {
    const { authLogin } = await this.request(SignInDocument, { login, password });
    const refused = authLogin.errors[0];
    if (refused !== undefined) throw new ApiError(refused.message, refused.code);
    if (authLogin.tokens === null) throw new ApiError("no tokens", undefined);
    this.accessToken = authLogin.tokens.accessToken;
    return authLogin.tokens.user.login;
  }

  /** What waits for my decision, described per document type. */
  async tasks(): Promise<string[]> {
    const data: ApprovalTasksQuery = await this.request(ApprovalTasksDocument, { first: 20 });
    return data.viewer.approvalTasks.nodes.map((task) => {
      const document = task.document;
      if (document === null) return `${task.step.name}: (not visible)`;
      switch (document.__typename) {
        case "SalesPlan": {
          // Decimals arrive as exact strings; parse them only for display.
          const amount = Number.parseFloat(document.totalAmount).toLocaleString();
          return `${task.step.name}: plan ${document.title} (${document.planStatus}, ${amount})`;
        }
        case "SalesOrder":
          return `${task.step.name}: order ${document.number} (${document.totalAmount})`;
        case "StockIn":
          return `${task.step.name}: stock-in ${document.stockInStatus}`;
        case "DeliveryReport":
          return `${task.step.name}: delivery report ${document.reportStatus}`;
        default: {
          // A document type the schema adds later still reads (a new case is then welcome).
          const other: { __typename: string; id: string } = document;
          return `${task.step.name}: ${other.__typename} ${other.id}`;
        }
      }
    });
  }

  /** Approve a plan as read at `version`; a refusal (CONFLICT, FORBIDDEN...) is returned, not thrown. */
  async approvePlan(id: string, version: number): Promise<string | null> {
    const { salesPlanApprove } = await this.request(
      ApprovePlanDocument,
      { id, expectedVersion: version },
      `approve-${id}-${version}`,
    );
    const refused = salesPlanApprove.errors[0];
    return refused === undefined ? null : `${refused.code}: ${refused.message}`;
  }

  /** Every order with its late shipments, page by page. */
  async lateShipments(): Promise<string[]> {
    const late: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: OrderDeliveriesQuery = await this.request(OrderDeliveriesDocument, {
        first: 50,
        after,
      });
      for (const order of page.salesOrders.nodes) {
        for (const shipment of order.shipmentsConnection.nodes) {
          if (shipment.isLate) {
            const seen = shipment.trackingEventsConnection.nodes[0];
            late.push(`${order.number}/${shipment.number}: ${shipment.daysLate} days, ${seen?.location ?? "not seen yet"}`);
          }
        }
      }
      if (!page.salesOrders.pageInfo.hasNextPage) return late;
      after = page.salesOrders.pageInfo.endCursor;
    }
  }

  /** Follow order changes live from `after` (the last cursor kept), calling `onChange` for each. */
  followOrders(
    after: string | null,
    onChange: (change: OrderChangesSubscription["orderStatusChanged"]) => void,
  ): () => void {
    const token = this.accessToken;
    const ws: Client = createClient({
      url: this.url.replace(/^http/, "ws"),
      connectionParams: () => (token === null ? {} : { token }),
    });
    let last = after;
    return ws.subscribe<OrderChangesSubscription>(
      { query: print(OrderChangesDocument), variables: { after: last } },
      {
        next: ({ data }) => {
          if (data == null) return;
          last = data.orderStatusChanged.cursor;
          onChange(data.orderStatusChanged);
        },
        error: (error) => console.error("subscription ended; resubscribe after", last, error),
        complete: () => undefined,
      },
    );
  }
}
