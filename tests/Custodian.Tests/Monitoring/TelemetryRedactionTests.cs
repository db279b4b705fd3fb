using System.Diagnostics;
using Custodian.Hosting;

namespace Custodian.Tests.Monitoring;

public sealed class TelemetryRedactionTests
{
    [Fact]
    public void GrainIdsQueriesStorageKeysAndExceptionMessagesLeaveNoSpan()
    {
        // Arrange
        using var span = new Activity("IDataSubjectGrain/GetRecordAsync");
        span.SetTag("rpc.method", "IDataSubjectGrain/GetRecordAsync");
        span.SetTag("orleans.rpc.target_id", "datasubject/acme/subj-1");
        span.SetTag("orleans.rpc.source_id", "datasubject/acme/subj-1");
        span.SetTag("orleans.grain.id", "datasubject/acme/subj-1");
        span.SetTag("url.query", "?subject=subj-1");
        span.SetTag("url.full", "http://127.0.0.1:10002/devstoreaccount1/CustodianState(PartitionKey='acme%2Fsubj-1',RowKey='contact')?$filter=x");
        span.SetTag("exception.message", "grain datasubject/acme/subj-1 failed");
        span.SetTag("exception.stacktrace", "at datasubject/acme/subj-1");
        span.SetStatus(ActivityStatusCode.Error, "grain datasubject/acme/subj-1 failed");

        // Act
        new TelemetryRedaction().OnEnd(span);

        // Assert
        Assert.DoesNotContain(span.TagObjects, t => t.Value?.ToString()?.Contains("subj-1", StringComparison.Ordinal) == true);
        Assert.Equal("http://127.0.0.1:10002/devstoreaccount1/CustodianState", span.GetTagItem("url.full"));
        Assert.Equal("IDataSubjectGrain/GetRecordAsync", span.GetTagItem("rpc.method"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Null(span.StatusDescription);
    }

    [Theory]
    [InlineData("https://example.org/", "https://example.org/")]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1/custodian-backups/backup-1/states.jsonl", "http://127.0.0.1:10000/devstoreaccount1/custodian-backups")]
    [InlineData("not a url", "")]
    public void UrlsKeepSchemeHostAndTwoPathSegments(string url, string expected) =>
        Assert.Equal(expected, TelemetryRedaction.WithoutKeys(url));
}
