using System.Collections.Immutable;

namespace Custodian.Access;

/// <summary>The log of granted authorisations (one per deployment): every grant transition, who, when, why.</summary>
[Alias("Custodian.Access.IGrantLogGrain")]
public interface IGrantLogGrain : IGrainWithStringKey
{
    /// <summary>The key of the one log.</summary>
    const string Key = "authorisations";

    /// <summary>Appends an event.</summary>
    [Alias("Append")]
    Task AppendAsync(GrantEvent entry);

    /// <summary>Events filtered by principal, tenant and time (each optional), oldest first.</summary>
    [Alias("Query")]
    Task<ImmutableArray<GrantEvent>> QueryAsync(string? principal, string? tenantId, DateTimeOffset? from, DateTimeOffset? until);
}
