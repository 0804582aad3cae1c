-- Argo CD health of a VmClonePool: Healthy when every warm member is Ready.
local hs = { status = "Progressing", message = "waiting for the operator" }
local function readyCondition(status)
  if status.conditions ~= nil then
    for _, c in ipairs(status.conditions) do
      if c.type == "Ready" then return c end
    end
  end
  return nil
end
if obj.status == nil then return hs end
if obj.status.observedGeneration ~= nil and obj.metadata.generation ~= nil
    and obj.status.observedGeneration < obj.metadata.generation then
  hs.message = "the operator has not seen this generation yet"
  return hs
end
local ready = readyCondition(obj.status)
if ready == nil then return hs end
hs.message = ready.reason .. ": " .. ready.message
if ready.status == "True" then
  hs.status = "Healthy"
elseif ready.reason == "InvalidSpec" or ready.reason == "MembersFailing" then
  hs.status = "Degraded"
else
  -- Refilling, a rollout, or a template not Ready yet (claims meanwhile take the cold path)
  hs.status = "Progressing"
end
return hs
