using Custodian.Gateway.Protos.Access;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using Grpc.Core;
using Xunit.Abstractions;

namespace Custodian.Tests.Access;

public sealed class AccessMatrixTests(AccessPlatform platform, ITestOutputHelper output) : IClassFixture<AccessPlatform>
{
    private static readonly string[] Roles = ["app", "staff", "officer", "dpo", "operator"];
    private static readonly string[] Methods = ["PutRecord", "GetRecord", "ListCategories", "ShredSubject"];

    [Fact]
    public async Task OnlyTheOwnTenantsAppOrAMatchingGrantInsideItsWindowAndNetworkIsAllowed()
    {
        // Arrange: a tenant with a subject, another tenant with one; per role, principals without a
        // grant and with grants inside/outside the CIDR and before/within/after the window
        var own = Platform.NewId("own");
        var other = Platform.NewId("other");
        await platform.Subjects(own).PutRecordAsync(new PutRecordRequest { TenantId = own, SubjectId = "s1", Record = SampleRecords.Contact("m@example.org") });
        await platform.Subjects(other).PutRecordAsync(new PutRecordRequest { TenantId = other, SubjectId = "s1", Record = SampleRecords.Contact("m@example.org") });
        var now = DateTimeOffset.UtcNow;
        var windows = new Dictionary<string, (DateTimeOffset From, DateTimeOffset Until)>
        {
            ["before"] = (now.AddHours(1), now.AddHours(2)),
            ["within"] = (now.AddMinutes(-1), now.AddHours(1)),
            ["after"] = (now, now.AddSeconds(3)),
        };
        var grantVariants = new List<(string Grant, string? Cidr, string? Window)> { ("none", null, null) };
        foreach (var cidr in new[] { "inside", "outside" })
        {
            foreach (var window in windows.Keys)
            {
                grantVariants.Add(($"{cidr}/{window}", cidr, window));
            }
        }

        var principals = new Dictionary<(string Role, string Grant), string>();
        var afterEnds = now;
        foreach (var role in Roles)
        {
            foreach (var (grant, cidr, window) in grantVariants)
            {
                var principal = Platform.NewId($"{role}");
                principals[(role, grant)] = principal;
                if (cidr is not null)
                {
                    // An "after" window is 3 s from its own issue, so a slow machine cannot push its end into the past before it is issued.
                    var (from, until) = window == "after" ? (DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddSeconds(3)) : windows[window!];
                    afterEnds = window == "after" && until > afterEnds ? until : afterEnds;
                    await platform.IssueAsync(principal, own, ["s1"], [Operation.Read, Operation.Write],
                        cidr == "inside" ? "127.0.0.0/8" : "10.0.0.0/8", from, until);
                }
            }
        }

        // Two rows of the separation of duties, both officers: one that tried to grant itself the read and
        // write the inside/within grant gives (refused), one suspended while it holds exactly that grant.
        var selfGranting = Platform.NewId("officer");
        var selfGrant = await Assert.ThrowsAsync<RpcException>(() =>
            platform.IssueAsync(selfGranting, own, ["s1"], [Operation.Read, Operation.Write], "127.0.0.0/8", windows["within"].From, windows["within"].Until, officer: selfGranting));
        var suspended = Platform.NewId("officer");
        await platform.IssueAsync(suspended, own, ["s1"], [Operation.Read, Operation.Write], "127.0.0.0/8", windows["within"].From, windows["within"].Until);
        await platform.GatewayCluster.GetGrain<Custodian.Access.IPrincipalGrain>(suspended).SuspendAsync(new Custodian.Access.Suspension("alert-matrix", "volume", now));
        List<(string Role, string Grant, string? Cidr, string? Window, string Principal)> rows =
        [
            .. Roles.SelectMany(role => grantVariants.Select(v => (role, v.Grant, v.Cidr, v.Window, principals[(role, v.Grant)]))),
            ("officer", "self-grant", null, null, selfGranting),
            ("officer", "suspended", null, null, suspended),
        ];

        await Poll.UntilAsync(() => DateTimeOffset.UtcNow > afterEnds ? Task.FromResult(true) : throw new TimeoutException(), TimeSpan.FromSeconds(10));

        // Act
        var tried = 0;
        var wrong = new List<string>();
        var denied = 0;
        foreach (var (role, grant, cidr, window, principal) in rows)
        {
            var subjects = platform.SubjectsAs(principal, own, role);
            var keys = new Custodian.Gateway.Protos.Keys.Keys.KeysClient(platform.Channel(Custodian.Hosting.DevelopmentTokens.Mint(platform.Jwt, principal, own, [role], TimeSpan.FromMinutes(10))));
            foreach (var tenant in new[] { own, other })
            {
                foreach (var method in Methods)
                {
                    tried++;
                    // The grants allow read and write, never erase: only the tenant's own app may shred.
                    var granted = cidr == "inside" && window == "within" && method != "ShredSubject";
                    var expectAllowed = tenant == own && (role == "app" || granted);
                    var status = await CallAsync(subjects, keys, method, tenant, $"e{tried}");
                    denied += status == StatusCode.PermissionDenied ? 1 : 0;
                    var allowed = status is StatusCode.OK or StatusCode.NotFound;
                    if (allowed != expectAllowed || (!expectAllowed && status != StatusCode.PermissionDenied))
                    {
                        wrong.Add($"{role} {grant} {(tenant == own ? "own" : "other")} {method}: {status}");
                    }
                }
            }
        }

        // Assert
        // Every denial is in the audit trail (written before the caller was answered), under its principal.
        var matrixPrincipals = rows.Select(r => r.Principal).ToHashSet();
        var audited = (await platform.AuditEntriesAsync(Custodian.Audit.AuditQuery.All)).Count(e => e.Record.Outcome.StartsWith("denied", StringComparison.Ordinal)
            && matrixPrincipals.Contains(e.Record.Actor) && !e.Record.Action.EndsWith("/IssueGrant", StringComparison.Ordinal));

        output.WriteLine($"access matrix: {tried} combinations tried, {tried - denied} allowed, {denied} denied, {audited} denials audited");
        Assert.Equal(StatusCode.PermissionDenied, selfGrant.StatusCode);
        Assert.Empty(wrong);
        Assert.Equal(denied, audited);
        Assert.True(denied > tried / 2, "most combinations must be denied");
    }

    private static async Task<StatusCode> CallAsync(
        Custodian.Gateway.Protos.Subjects.Subjects.SubjectsClient subjects, Custodian.Gateway.Protos.Keys.Keys.KeysClient keys, string method, string tenant, string eraseSubject)
    {
        try
        {
            switch (method)
            {
                case "PutRecord":
                    await subjects.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("m@example.org") });
                    break;
                case "ShredSubject":
                    await keys.ShredSubjectAsync(new Custodian.Gateway.Protos.Keys.ShredSubjectRequest { TenantId = tenant, SubjectId = eraseSubject, Reason = "matrix" });
                    break;
                case "GetRecord":
                    await subjects.GetRecordAsync(new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = "s1", Category = "contact" });
                    break;
                default:
                    await subjects.ListCategoriesAsync(new ListCategoriesRequest { Purpose = "support", TenantId = tenant, SubjectId = "s1" });
                    break;
            }

            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }
}
