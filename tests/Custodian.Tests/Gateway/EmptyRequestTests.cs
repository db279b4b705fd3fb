using Custodian.Tests.Infrastructure;
using Grpc.Core;
using Xunit.Abstractions;
using static Grpc.Core.StatusCode;

namespace Custodian.Tests.Gateway;

/// <summary>A platform of its own: empty requests to every method may start jobs (a rotation, a backup).</summary>
public sealed class EmptyRequestPlatform : Platform;

/// <summary>
/// Every method of every service, called with an empty request, answers with the status written out for it here:
/// by a caller holding every role, and by low-privilege callers (a client application, staff without a grant).
/// Never INTERNAL or UNKNOWN, never a stack trace.
/// </summary>
public sealed class EmptyRequestTests(EmptyRequestPlatform platform, ITestOutputHelper output) : IClassFixture<EmptyRequestPlatform>
{
    /// <summary>
    /// Per method (service.method): the status for a caller with every role, and for a caller with only <c>app</c> or
    /// only <c>staff</c>. A method on personal data checks its input before it decides access, so a low-privilege caller
    /// gets INVALID_ARGUMENT there too; a method that needs a role refuses the caller without it first. A method with
    /// nothing required answers OK: GetReview and GetJob find what OpenReview and StartBackup, called before them, made.
    /// </summary>
    private static readonly Dictionary<string, (StatusCode EveryRole, StatusCode LowPrivilege)> Expected = new()
    {
        ["Access.IssueGrant"] = (InvalidArgument, PermissionDenied),
        ["Access.ApproveGrant"] = (InvalidArgument, PermissionDenied),
        ["Access.RevokeGrant"] = (InvalidArgument, PermissionDenied),
        ["Access.RenewGrant"] = (InvalidArgument, PermissionDenied),
        ["Access.GetGrant"] = (InvalidArgument, PermissionDenied),
        ["Access.ListGrantLog"] = (OK, PermissionDenied),
        ["Access.ExportGrantLog"] = (InvalidArgument, PermissionDenied),
        ["Access.OpenReview"] = (OK, PermissionDenied),
        ["Access.GetReview"] = (OK, PermissionDenied),
        ["Access.DecideReviewItem"] = (InvalidArgument, PermissionDenied),
        ["Audit.VerifyTrail"] = (OK, PermissionDenied),
        ["Audit.QueryTrail"] = (OK, PermissionDenied),
        ["Backups.StartBackup"] = (OK, PermissionDenied),
        ["Backups.GetJob"] = (OK, PermissionDenied),
        ["Backups.ListBackups"] = (OK, PermissionDenied),
        ["Backups.Restore"] = (InvalidArgument, PermissionDenied),
        ["Incidents.OpenIncident"] = (InvalidArgument, PermissionDenied),
        ["Incidents.GetIncident"] = (InvalidArgument, PermissionDenied),
        ["Incidents.UpdateIncident"] = (InvalidArgument, PermissionDenied),
        ["Incidents.ConfirmIncident"] = (InvalidArgument, PermissionDenied),
        ["Incidents.CloseIncident"] = (InvalidArgument, PermissionDenied),
        ["Incidents.SendNotice"] = (InvalidArgument, PermissionDenied),
        ["Incidents.ListIncidents"] = (OK, PermissionDenied),
        ["Incidents.ExportRegister"] = (InvalidArgument, PermissionDenied),
        ["Keys.RotateKek"] = (OK, PermissionDenied),
        ["Keys.GetRotationStatus"] = (OK, PermissionDenied),
        ["Keys.ShredSubject"] = (InvalidArgument, InvalidArgument),
        ["Keys.GetShredReceipt"] = (InvalidArgument, PermissionDenied),
        ["Regions.GetStatus"] = (OK, PermissionDenied),
        ["Regions.Resync"] = (InvalidArgument, PermissionDenied),
        ["Regions.Promote"] = (InvalidArgument, PermissionDenied),
        ["Regions.Failback"] = (InvalidArgument, PermissionDenied),
        ["Requests.FileRequest"] = (InvalidArgument, InvalidArgument),
        ["Requests.GetRequest"] = (InvalidArgument, PermissionDenied),
        ["Requests.CheckIdentity"] = (InvalidArgument, PermissionDenied),
        ["Requests.PauseRequest"] = (InvalidArgument, PermissionDenied),
        ["Requests.ResumeRequest"] = (InvalidArgument, PermissionDenied),
        ["Requests.ExtendRequest"] = (InvalidArgument, PermissionDenied),
        ["Requests.CloseRequest"] = (InvalidArgument, PermissionDenied),
        ["Requests.ListRequests"] = (InvalidArgument, PermissionDenied),
        ["SecurityReports.ListAlerts"] = (OK, PermissionDenied),
        ["SecurityReports.GetActivity"] = (InvalidArgument, PermissionDenied),
        ["SecurityReports.ResumePrincipal"] = (InvalidArgument, PermissionDenied),
        ["Subjects.PutRecord"] = (InvalidArgument, InvalidArgument),
        ["Subjects.GetRecord"] = (InvalidArgument, InvalidArgument),
        ["Subjects.ListCategories"] = (InvalidArgument, InvalidArgument),
        ["Subjects.Rectify"] = (InvalidArgument, InvalidArgument),
        ["Subjects.Restrict"] = (InvalidArgument, InvalidArgument),
        ["Subjects.LiftRestriction"] = (InvalidArgument, InvalidArgument),
        ["Subjects.Object"] = (InvalidArgument, InvalidArgument),
        ["Subjects.RecordCompellingGrounds"] = (InvalidArgument, PermissionDenied),
        ["Subjects.SetRecipients"] = (InvalidArgument, InvalidArgument),
        ["Subjects.ListRecipients"] = (InvalidArgument, InvalidArgument),
        ["Subjects.Export"] = (InvalidArgument, InvalidArgument),
        ["Subjects.Erase"] = (InvalidArgument, InvalidArgument),
        ["Subjects.PlaceLegalHold"] = (InvalidArgument, PermissionDenied),
        ["Subjects.ReleaseLegalHold"] = (InvalidArgument, PermissionDenied),
    };

    [Fact]
    public void EveryMethodHasItsExpectedStatusesWrittenOut()
    {
        Assert.Equal(GatewayMethods.All.Select(Name).Order(StringComparer.Ordinal), Expected.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("app", "officer", "dpo", "operator", "staff")]
    [InlineData("app")]
    [InlineData("staff")]
    public async Task EveryMethodAnswersAnEmptyRequestWithItsOwnStatus(params string[] roles)
    {
        // Arrange: a caller with these roles, for one tenant, from a source of its own (its denials throttle no one else)
        var invoker = platform.Channel(platform.Token("acme-empty", roles), Platform.NewSource()).CreateCallInvoker();
        var everyRole = roles.Length > 1;
        var wrong = new List<string>();

        // Act: an empty message is valid protobuf for every request type
        foreach (var method in GatewayMethods.All)
        {
            var (status, detail) = await GatewayMethods.CallAsync(invoker, method, [], TimeSpan.FromSeconds(30));
            var expected = Expected.TryGetValue(Name(method), out var row) ? (everyRole ? row.EveryRole : row.LowPrivilege) : (StatusCode?)null;
            output.WriteLine($"{method.FullName}: {status}");
            if (status != expected || detail.Contains("   at ", StringComparison.Ordinal))
            {
                wrong.Add($"{method.FullName}: {status}, expected {expected?.ToString() ?? "a row in Expected"} ({detail})");
            }
        }

        // Assert
        Assert.True(GatewayMethods.All.Count >= 50, $"only {GatewayMethods.All.Count} methods found");
        Assert.Empty(wrong);
    }

    private static string Name(Google.Protobuf.Reflection.MethodDescriptor method) => $"{method.Service.Name}.{method.Name}";
}
