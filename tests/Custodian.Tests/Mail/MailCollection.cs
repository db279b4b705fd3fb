using Custodian.Tests.Infrastructure;

namespace Custodian.Tests.Mail;

/// <summary>The mail tests share one platform and run one after another: one of them stops its SMTP relay for a while.</summary>
[CollectionDefinition(Name)]
public sealed class MailCollection : ICollectionFixture<Platform>
{
    public const string Name = "mail";
}
