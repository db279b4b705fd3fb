using System.Text.Json;
using Custodian.Tests.Infrastructure;

namespace Custodian.Tests.Cli;

[Collection(PlatformCollection.Name)]
public sealed class SubjectRightsCliTests(Platform platform)
{
    [Fact]
    public async Task TheCliRectifiesRestrictsExportsAndErasesASubject()
    {
        // Arrange: a subject with one record and one recipient
        var tenant = Platform.NewId("acme");
        var subject = Platform.NewId("subj");
        var token = platform.Token(tenant, "app");
        var put = await RunAsync(token, "subjects", "put", "--tenant", tenant, "--subject", subject, "--category", "contact",
            "--purpose", "Account management", "--legal-basis", "contract", "--field", "email=old-5521@example.org", "--retention", "until the account is closed");
        var recipients = await RunAsync(token, "subjects", "recipients", "set", "--tenant", tenant, "--subject", subject, "--category", "contact",
            "--recipient", $"Acme CRM={subject}@crm.example=US");

        // Act
        var rectify = await RunAsync(token, "subjects", "rectify", "--tenant", tenant, "--subject", subject, "--category", "contact", "--field", "email=new-5521@example.org");
        var restrict = await RunAsync(token, "subjects", "restrict", "--tenant", tenant, "--subject", subject, "--ground", "accuracy-contested");
        var refused = await RunAsync(token, "subjects", "get", "--tenant", tenant, "--subject", subject, "--category", "contact", "--purpose", "marketing");
        var allowed = await RunAsync(token, "subjects", "get", "--tenant", tenant, "--subject", subject, "--category", "contact", "--purpose", "legal-claims");
        var list = await RunAsync(token, "subjects", "recipients", "list", "--tenant", tenant, "--subject", subject, "--purpose", "subject-access");
        var file = Path.Combine(Path.GetTempPath(), $"{subject}.json");
        var export = await RunAsync(token, "subjects", "export", "--tenant", tenant, "--subject", subject, "--output", file);
        var erase = await RunAsync(token, "subjects", "erase", "--tenant", tenant, "--subject", subject, "--reason", "REQ-9");
        var badGround = await RunAsync(token, "subjects", "restrict", "--tenant", tenant, "--subject", subject, "--ground", "because");

        // Assert
        Assert.Equal((0, 0, 0, 0, 0), (put.ExitCode, recipients.ExitCode, rectify.ExitCode, restrict.ExitCode, allowed.ExitCode));
        Assert.Contains("Rectified email of category contact", rectify.Output);
        Assert.Contains("1 recipient notice queued", rectify.Output);
        Assert.Contains("restricted", restrict.Output);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("FailedPrecondition", refused.Error);
        Assert.Contains("new-5521@example.org", allowed.Output);
        Assert.Contains("Acme CRM", list.Output);
        Assert.Equal(0, export.ExitCode);
        using (var document = JsonDocument.Parse(await File.ReadAllTextAsync(file)))
        {
            var record = document.RootElement.GetProperty("records")[0];
            Assert.Equal("new-5521@example.org", record.GetProperty("fields").GetProperty("email").GetString());
            Assert.Equal("until the account is closed", record.GetProperty("retention").GetString());
        }

        File.Delete(file);
        Assert.Equal(0, erase.ExitCode);
        Assert.Contains($"Subject {subject} was erased", erase.Output);
        Assert.Equal(2, badGround.ExitCode);
    }

    private Task<(int ExitCode, string Output, string Error)> RunAsync(string token, params string[] args) =>
        CliRunner.RunAsync(CliRunner.Against(platform, token, args));
}
