"""Approval chains (审批流程): policies per document type, resolved into steps at submit and moved
step by step; shared by every document that is approved (plans, orders' special approval,
stock-ins, forecasts, delivery reports, purchase orders).

Pure modules: no database, no GraphQL.
"""
