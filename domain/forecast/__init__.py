"""Product forecasts (产品预测单): which approved plans make up a forecast, monthly and weekly
periods, the statistical baseline beside the plan, plausibility flags and accuracy against actuals.

Pure modules: no database, no GraphQL. Only `baseline` needs statsforecast, imported when first used.
"""
