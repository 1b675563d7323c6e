"""CloudWatch Logs Insights over boto3 (`LogQueries`): StartQuery, GetQueryResults, StopQuery.
What to ask and how to page is `scheduler.insights`, which the watcher ships too."""

from __future__ import annotations

from collections.abc import Sequence

from scheduler.aws.clients import Clients
from scheduler.aws.errors import translated
from scheduler.errors import InvalidRequest
from scheduler.ports import QueryPage


class AwsLogQueries:
    """`LogQueries` over the logs client. A log group that does not exist raises `NotFound`;
    a `SOURCE` query the endpoint refuses raises the typed error of its refusal."""

    def __init__(self, clients: Clients) -> None:
        self.c = clients

    def start_query(self, log_groups: Sequence[str], start_s: int, end_s: int, query: str) -> str:
        with translated("logs", ", ".join(log_groups[:3])):
            if log_groups:
                response = self.c.logs.start_query(
                    logGroupNames=list(log_groups),
                    startTime=start_s,
                    endTime=end_s,
                    queryString=query,
                )
            else:  # the query's SOURCE command selects the groups: StartQuery takes none
                response = self.c.logs.start_query(
                    startTime=start_s, endTime=end_s, queryString=query
                )
        return str(response["queryId"])

    def query_results(self, query_id: str) -> QueryPage:
        with translated("logs", query_id):
            response = self.c.logs.get_query_results(queryId=query_id)
        rows = tuple(
            {str(f.get("field", "")): str(f.get("value", "")) for f in row}
            for row in response.get("results", [])
        )
        return QueryPage(str(response.get("status", "Unknown")), rows)

    def stop_query(self, query_id: str) -> None:
        try:
            with translated("logs", query_id):
                self.c.logs.stop_query(queryId=query_id)
        except InvalidRequest:  # it finished meanwhile
            pass
