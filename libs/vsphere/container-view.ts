import type { MoRef } from './soap/vim-decoder';
import type { VimSession } from './session';

/** The TraversalSpec that walks a ContainerView's `view` property to the objects it holds. */
export const containerViewTraversal = {
  $attributes: { $xsiType: { type: 'TraversalSpec', xmlns: 'urn:vim25' } },
  name: 'traverseView',
  type: 'ContainerView',
  path: 'view',
  skip: false,
};

/**
 * Runs `work` with a ContainerView (ViewManager.CreateContainerView) over `container`, holding the
 * given types, recursively; destroys the view afterwards so views do not pile up in the session.
 * A view belongs to its session: run this inside `session.withRelogin`.
 */
export async function withContainerView<T>(
  session: VimSession,
  types: string[],
  work: (view: MoRef) => Promise<T>,
  container: MoRef = session.serviceContent.rootFolder,
): Promise<T> {
  const viewManager = session.serviceContent.viewManager;
  if (!viewManager) throw new Error('this endpoint has no ViewManager');
  const view = await session.invoke<MoRef>('CreateContainerView', viewManager, {
    container: { $attributes: { type: container.type }, $value: container.value },
    type: types,
    recursive: true,
  });
  try {
    return await work(view);
  } finally {
    await session.invoke('DestroyView', view).catch(() => undefined);
  }
}
