namespace Custodian.Tests.Infrastructure;

/// <summary>The tests that share one <see cref="Platform"/>.</summary>
[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<Platform>
{
    public const string Name = "platform";
}
