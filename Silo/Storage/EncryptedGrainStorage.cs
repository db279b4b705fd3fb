using System.Security.Cryptography;
using Custodian.Storage;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace Custodian.Silo.Storage;

/// <summary>
/// The <c>secure</c> grain storage: serialises each state, seals it with AES-256-GCM under the
/// grain's own data key, and hands only the envelope to the inner provider. Clearing a state
/// destroys the grain's data key as well (crypto-shredding), so no copy of it can be read again.
/// </summary>
public sealed class EncryptedGrainStorage(
    IGrainStorage inner,
    DataKeyStore keys,
    Serializer serializer,
    IOptions<ClusterOptions> cluster,
    ILogger<EncryptedGrainStorage> logger) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private readonly string _serviceId = cluster.Value.ServiceId;

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var stored = new GrainState<EncryptedEnvelope>();
        await inner.ReadStateAsync(stateName, grainId, stored);
        grainState.ETag = stored.ETag;
        if (!stored.RecordExists || stored.State is not { Ciphertext.Length: > 0 } envelope)
        {
            Reset(grainState);
            return;
        }

        var id = grainId.ToString();
        var key = await keys.FindAsync(id);
        if (key is null)
        {
            StorageLog.StateErased(logger, id, stateName);
            Reset(grainState);
            return;
        }

        byte[] plaintext;
        try
        {
            plaintext = EnvelopeCipher.Open(envelope, key, _serviceId, id, stateName);
        }
        catch (CryptographicException e)
        {
            StorageLog.IntegrityFailure(logger, id, stateName);
            throw new StoredStateIntegrityException(
                $"The stored state '{stateName}' of grain {id} failed its integrity check; nothing was read and the stored copy is unchanged.", e);
        }

        try
        {
            grainState.State = serializer.Deserialize<T>(plaintext);
            grainState.RecordExists = true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var id = grainId.ToString();
        var key = await keys.GetOrCreateAsync(id);
        var plaintext = serializer.SerializeToArray(grainState.State);
        EncryptedEnvelope envelope;
        try
        {
            envelope = EnvelopeCipher.Seal(plaintext, key, _serviceId, id, stateName);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }

        var stored = new GrainState<EncryptedEnvelope>(envelope, grainState.ETag) { RecordExists = grainState.RecordExists };
        await inner.WriteStateAsync(stateName, grainId, stored);
        grainState.ETag = stored.ETag;
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var stored = new GrainState<EncryptedEnvelope>(new EncryptedEnvelope(), grainState.ETag) { RecordExists = grainState.RecordExists };
        await inner.ClearStateAsync(stateName, grainId, stored);
        var id = grainId.ToString();
        await keys.DestroyAsync(id);
        StorageLog.StateShredded(logger, id, stateName);
        grainState.ETag = stored.ETag;
        Reset(grainState);
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(EncryptedGrainStorage), ServiceLifecycleStage.ApplicationServices, keys.InitializeAsync);

    private static void Reset<T>(IGrainState<T> grainState)
    {
        grainState.State = Activator.CreateInstance<T>();
        grainState.RecordExists = false;
    }
}
