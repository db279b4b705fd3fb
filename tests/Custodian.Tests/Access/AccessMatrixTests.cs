using System.Reflection;
using Custodian.Gateway.Access;
using Custodian.Gateway.Protos.Access;
using Custodian.Gateway.Protos.Requests;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Xunit.Abstractions;
using KeysClient = Custodian.Gateway.Protos.Keys.Keys.KeysClient;
using RequestsClient = Custodian.Gateway.Protos.Requests.Requests.RequestsClient;
using SubjectsClient = Custodian.Gateway.Protos.Subjects.Subjects.SubjectsClient;

namespace Custodian.Tests.Access;

public sealed class AccessMatrixTests(AccessPlatform platform, ITestOutputHelper output) : IClassFixture<AccessPlatform>
{
    private static readonly string[] Roles = ["app", "staff", "officer", "dpo", "operator"];

    /// <summary>What the ordinary grants of the matrix allow: neither export nor erase, which need a second officer.</summary>
    private static readonly Operation[] Ordinary = [Operation.Read, Operation.Write, Operation.Restrict, Operation.FileRequest];

    /// <summary>
    /// Every call of the matrix, in the order made: each method that declares an operation, once per category for a
    /// method that names one (<c>contact</c>, which the category-scoped grant covers, and <c>billing</c>, which it does not).
    /// </summary>
    private static readonly Case[] Cases =
    [
        new("PutRecord", Custodian.Access.Operation.Write, "contact"),
        new("PutRecord", Custodian.Access.Operation.Write, "billing"),
        new("GetRecord", Custodian.Access.Operation.Read, "contact"),
        new("GetRecord", Custodian.Access.Operation.Read, "billing"),
        new("ListCategories", Custodian.Access.Operation.Read, null),
        new("Rectify", Custodian.Access.Operation.Write, "contact"),
        new("Rectify", Custodian.Access.Operation.Write, "billing"),
        new("SetRecipients", Custodian.Access.Operation.Write, "contact"),
        new("SetRecipients", Custodian.Access.Operation.Write, "billing"),
        new("ListRecipients", Custodian.Access.Operation.Read, null),
        new("Object", Custodian.Access.Operation.Write, null),
        new("Export", Custodian.Access.Operation.Export, null),
        new("Restrict", Custodian.Access.Operation.Restrict, null),
        new("LiftRestriction", Custodian.Access.Operation.Restrict, null),
        new("FileRequest", Custodian.Access.Operation.FileRequest, null),
        new("Erase", Custodian.Access.Operation.Erase, null),
        new("ShredSubject", Custodian.Access.Operation.Erase, null),
    ];

    [Fact]
    public void TheMatrixCallsEveryMethodThatDeclaresAnOperation()
    {
        var declared = typeof(PerformsAttribute).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (m.Name, m.GetCustomAttribute<PerformsAttribute>()?.Operation))
            .Where(m => m.Operation is not null)
            .Select(m => $"{m.Name} {m.Operation}");

        Assert.Equal(declared.Order(StringComparer.Ordinal), Cases.Select(c => $"{c.Method} {c.Operation}").Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task OnlyTheOwnTenantsAppOrAMatchingGrantInsideItsWindowNetworkOperationsAndCategoriesIsAllowed()
    {
        // Arrange: per role, principals without a grant and with grants inside/outside the CIDR and before/within/after the
        // window (ordinary operations), an approved export grant, an approved erase grant, and a read/write grant scoped to
        // the contact category. Each principal works on subjects of its own (one to change, one to erase, one to shred),
        // which its grant lists, so every allowed call has something to act on and answers OK.
        var own = Platform.NewId("own");
        var other = Platform.NewId("other");
        var now = DateTimeOffset.UtcNow;
        var windows = new Dictionary<string, (DateTimeOffset From, DateTimeOffset Until)>
        {
            ["before"] = (now.AddHours(1), now.AddHours(2)),
            ["within"] = (now.AddMinutes(-1), now.AddHours(1)),
        };
        List<Variant> variants = [new("none", [], null, null)];
        foreach (var cidr in new[] { "inside", "outside" })
        {
            foreach (var window in new[] { "before", "within", "after" })
            {
                variants.Add(new($"{cidr}/{window}", Ordinary, cidr, window));
            }
        }

        variants.Add(new("export", [Operation.Export], "inside", "within", Approved: true));
        variants.Add(new("erase", [Operation.Erase], "inside", "within", Approved: true));
        variants.Add(new("category", [Operation.Read, Operation.Write], "inside", "within", Categories: ["contact"]));

        var rows = new List<Row>();
        var afterEnds = now;
        foreach (var role in Roles)
        {
            foreach (var variant in variants)
            {
                var principal = Platform.NewId(role);
                string? grantId = null;
                if (variant.Cidr is not null)
                {
                    // An "after" window is 3 s from its own issue, so a slow machine cannot push its end into the past before it is issued.
                    var (from, until) = variant.Window == "after" ? (DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddSeconds(3)) : windows[variant.Window!];
                    afterEnds = variant.Window == "after" && until > afterEnds ? until : afterEnds;
                    var grant = await platform.IssueAsync(principal, own, Row.SubjectsOf(principal), variant.Operations,
                        variant.Cidr == "inside" ? "127.0.0.0/8" : "10.0.0.0/8", from, until, categories: variant.Categories);
                    grantId = variant.Approved
                        ? (await platform.Access(AccessPlatform.SecondOfficer, "officer").ApproveGrantAsync(new GrantActionRequest { GrantId = grant.GrantId, Reason = "matrix" })).GrantId
                        : grant.GrantId;
                }

                rows.Add(new(role, variant, principal, grantId));
            }
        }

        // Two rows of the separation of duties, both officers: one that tried to grant itself what the inside/within grant
        // gives (refused), one suspended while it holds exactly that grant.
        var within = variants.Single(v => v.Name == "inside/within");
        var selfGranting = Platform.NewId("officer");
        var selfGrant = await Assert.ThrowsAsync<RpcException>(() =>
            platform.IssueAsync(selfGranting, own, Row.SubjectsOf(selfGranting), Ordinary, "127.0.0.0/8", windows["within"].From, windows["within"].Until, officer: selfGranting));
        var suspended = Platform.NewId("officer");
        await platform.IssueAsync(suspended, own, Row.SubjectsOf(suspended), Ordinary, "127.0.0.0/8", windows["within"].From, windows["within"].Until);
        await platform.GatewayCluster.GetGrain<Custodian.Access.IPrincipalGrain>(suspended).SuspendAsync(new Custodian.Access.Suspension("alert-matrix", "volume", now));
        rows.Add(new("officer", within with { Name = "self-grant" }, selfGranting, null));
        rows.Add(new("officer", within with { Name = "suspended" }, suspended, null));

        var app = platform.Subjects(own);
        await Task.WhenAll(rows.Select(async row =>
        {
            await app.PutRecordAsync(new PutRecordRequest { TenantId = own, SubjectId = row.Subject, Record = SampleRecords.Contact("m@example.org") });
            await app.PutRecordAsync(new PutRecordRequest { TenantId = own, SubjectId = row.Subject, Record = SampleRecords.Billing("DE00 0000") });
            await app.PutRecordAsync(new PutRecordRequest { TenantId = own, SubjectId = row.ErasedSubject, Record = SampleRecords.Contact("e@example.org") });
            await app.PutRecordAsync(new PutRecordRequest { TenantId = own, SubjectId = row.ShreddedSubject, Record = SampleRecords.Contact("x@example.org") });
        }));
        await Poll.UntilAsync(() => DateTimeOffset.UtcNow > afterEnds ? Task.FromResult(true) : throw new TimeoutException(), TimeSpan.FromSeconds(10));

        // Act
        var (tried, allowed) = (0, 0);
        var wrong = new List<string>();
        var denials = new HashSet<(string Actor, string Method, string Target)>();
        var allowances = new HashSet<(string Actor, string Method, string Target, string AllowedBy)>();
        foreach (var row in rows)
        {
            var token = Custodian.Hosting.DevelopmentTokens.Mint(platform.Jwt, row.Principal, own, [row.Role], TimeSpan.FromMinutes(10));
            var clients = new Clients(new(platform.Channel(token)), new(platform.Channel(token)), new(platform.Channel(token)));
            foreach (var tenant in new[] { own, other })
            {
                foreach (var call in Cases)
                {
                    tried++;
                    var expectAllowed = tenant == own && row.Allows(call);
                    var status = await CallAsync(clients, call, tenant, row);
                    var subject = row.SubjectOf(call);
                    if (status == StatusCode.PermissionDenied)
                    {
                        // A caller without the role the method needs is turned away before any decision, on no target.
                        var byRole = call.Method == "FileRequest" && !Row.MayFile(row.Role);
                        denials.Add((row.Principal, call.Method, byRole ? "-" : platform.AuditKeys.Subject(tenant, subject)));
                    }
                    else if (status == StatusCode.OK)
                    {
                        allowed++;
                        allowances.Add((row.Principal, call.Method, platform.AuditKeys.Subject(tenant, subject), row.Role == "app" ? "role:app" : row.GrantId ?? "?"));
                    }

                    if (status != (expectAllowed ? StatusCode.OK : StatusCode.PermissionDenied))
                    {
                        wrong.Add($"{row.Role} {row.Variant.Name} {(tenant == own ? "own" : "other")} {call}: {status}");
                    }
                }
            }
        }

        // Assert
        // Every denial and every allowance is in the audit trail (written before the caller was answered), under its
        // principal, with the grant that allowed it; repeated identical denials are one entry with a count, so kinds are compared.
        var matrixPrincipals = rows.Select(r => r.Principal).ToHashSet();
        var methods = Cases.Select(c => c.Method).ToHashSet();
        static string Method(Custodian.Audit.AuditRecord r) => r.Action[(r.Action.LastIndexOf('/') + 1)..];
        var entries = (await platform.AuditEntriesAsync(Custodian.Audit.AuditQuery.All))
            .Select(e => e.Record)
            .Where(r => matrixPrincipals.Contains(r.Actor) && methods.Contains(Method(r)))
            .ToList();
        var auditedDenials = entries.Where(r => r.Outcome.StartsWith("denied", StringComparison.Ordinal)).Select(r => (r.Actor, Method(r), r.Target)).ToHashSet();
        var auditedAllowances = entries.Where(r => r.Outcome == "allowed").Select(r => (r.Actor, Method(r), r.Target, r.GrantId)).ToHashSet();

        output.WriteLine($"access matrix: {rows.Count} principals x 2 tenants x {Cases.Length} calls = {tried} tried, {allowed} allowed ({allowances.Count} kinds), {tried - allowed} denied ({denials.Count} kinds); audited: {auditedAllowances.Count} and {auditedDenials.Count} kinds");
        Assert.Equal(StatusCode.PermissionDenied, selfGrant.StatusCode);
        Assert.Empty(wrong);
        Assert.Equal(denials.Order(), auditedDenials.Order());
        Assert.Equal(allowances.Order(), auditedAllowances.Order());
        Assert.True(tried - allowed > tried / 2, "most combinations must be denied");
    }

    private static async Task<StatusCode> CallAsync(Clients clients, Case call, string tenant, Row row)
    {
        var subject = row.SubjectOf(call);
        var category = call.Category ?? "";
        try
        {
            _ = call.Method switch
            {
                "PutRecord" => await clients.Subjects.PutRecordAsync(new PutRecordRequest
                {
                    TenantId = tenant, SubjectId = subject, Record = category == "contact" ? SampleRecords.Contact("m2@example.org") : SampleRecords.Billing("DE00 0001"),
                }) as object,
                "GetRecord" => await clients.Subjects.GetRecordAsync(new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = subject, Category = category }),
                "ListCategories" => await clients.Subjects.ListCategoriesAsync(new ListCategoriesRequest { Purpose = "support", TenantId = tenant, SubjectId = subject }),
                "Rectify" => await clients.Subjects.RectifyAsync(new RectifyRequest
                {
                    TenantId = tenant, SubjectId = subject, Category = category, Fields = { [category == "contact" ? "email" : "iban"] = category == "contact" ? "r@example.org" : "DE00 0002" },
                }),
                "SetRecipients" => await clients.Subjects.SetRecipientsAsync(new SetRecipientsRequest { TenantId = tenant, SubjectId = subject, Category = category }),
                "ListRecipients" => await clients.Subjects.ListRecipientsAsync(new ListRecipientsRequest { Purpose = "support", TenantId = tenant, SubjectId = subject }),
                "Object" => await clients.Subjects.ObjectAsync(new ObjectRequest { TenantId = tenant, SubjectId = subject, Purpose = "marketing", DirectMarketing = true }),
                "Export" => await clients.Subjects.ExportAsync(new ExportRequest { TenantId = tenant, SubjectId = subject }),
                "Restrict" => await clients.Subjects.RestrictAsync(new RestrictRequest { TenantId = tenant, SubjectId = subject, Ground = RestrictionGround.AccuracyContested }),
                "LiftRestriction" => await clients.Subjects.LiftRestrictionAsync(new LiftRestrictionRequest
                {
                    TenantId = tenant, SubjectId = subject, SubjectInformedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
                }),
                "FileRequest" => await clients.Requests.FileRequestAsync(new FileRequestRequest
                {
                    TenantId = tenant, SubjectId = subject, Kind = RequestKind.Access, Channel = row.Role == "app" ? RequestChannel.Api : RequestChannel.Helpdesk,
                }),
                "Erase" => await clients.Subjects.EraseAsync(new EraseRequest { TenantId = tenant, SubjectId = subject, Reason = "matrix" }),
                "ShredSubject" => await clients.Keys.ShredSubjectAsync(new Custodian.Gateway.Protos.Keys.ShredSubjectRequest { TenantId = tenant, SubjectId = subject, Reason = "matrix" }),
                _ => throw new ArgumentOutOfRangeException(nameof(call), call.Method, "not a method of the matrix"),
            };
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    /// <summary>One call: the method, the operation it declares, the category it names (null: it acts on the whole subject).</summary>
    private sealed record Case(string Method, Custodian.Access.Operation Operation, string? Category)
    {
        public override string ToString() => Category is null ? Method : $"{Method}({Category})";
    }

    /// <summary>A kind of grant: its operations, network (inside or outside the caller's), window, categories (null: all), second officer's approval.</summary>
    private sealed record Variant(string Name, Operation[] Operations, string? Cidr, string? Window, string[]? Categories = null, bool Approved = false);

    /// <summary>A principal of the matrix: its one role, its grant (<paramref name="GrantId"/>, null when it holds none in force).</summary>
    private sealed record Row(string Role, Variant Variant, string Principal, string? GrantId)
    {
        public string Subject => $"{Principal}-s";

        public string ErasedSubject => $"{Principal}-e";

        public string ShreddedSubject => $"{Principal}-x";

        public static string[] SubjectsOf(string principal) => [$"{principal}-s", $"{principal}-e", $"{principal}-x"];

        /// <summary>Filing is for the tenant's app, staff and officers; the role check turns anyone else away first.</summary>
        public static bool MayFile(string role) => role is "app" or "staff" or "officer";

        public string SubjectOf(Case call) => call.Method switch
        {
            "Erase" => ErasedSubject,
            "ShredSubject" => ShreddedSubject,
            _ => Subject,
        };

        /// <summary>Whether this principal may make <paramref name="call"/> in its own tenant.</summary>
        public bool Allows(Case call)
        {
            if (call.Method == "FileRequest" && !MayFile(Role))
            {
                return false;
            }

            if (Role == "app")
            {
                return true;
            }

            return GrantId is not null
                && Variant is { Cidr: "inside", Window: "within" }
                && Variant.Operations.Contains((Operation)(int)call.Operation)
                && (Variant.Categories is null || (call.Category is not null && Variant.Categories.Contains(call.Category)));
        }
    }

    private sealed record Clients(SubjectsClient Subjects, KeysClient Keys, RequestsClient Requests);
}
